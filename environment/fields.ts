/**
 * The cloud-neutral fields of the environment file, read off the schema itself, so the parity
 * test and the README's per-cloud table cannot miss a field that is added later.
 */
import { environmentSchema } from "./schema";

/**
 * Fields that by design change no stack: the policy report's suppressions, the destroy guard's
 * allowances, and `dns.apexAlias`, which only tells validation that the DNS provider can alias the apex.
 */
export const STACK_NEUTRAL_FIELDS = ["policy.suppressions", "dataProtection.allowDestroy", "dns.apexAlias"] as const;

const WRAPPERS = ["optional", "default", "nullable", "pipe"];

/** The schema under optional/default/pipe wrappers. */
export function unwrap(schema: any): any {
  while (WRAPPERS.includes(schema.def.type)) schema = schema.def.type === "pipe" ? schema.def.in : schema.def.innerType;
  return schema;
}

/** Every leaf field path outside the cloud sections, array items as `[0]` (a list of strings is one leaf). */
export function cloudNeutralFields(): string[] {
  const walk = (schema: any, at: string): string[] => {
    const inner = unwrap(schema);
    const def = inner.def;
    if (def.type === "object") {
      return Object.entries(def.shape).flatMap(([key, value]) => {
        const field = at ? `${at}.${key}` : key;
        if (field === "aws" || field === "gcp" || (STACK_NEUTRAL_FIELDS as readonly string[]).includes(field)) return [];
        return walk(value, field);
      });
    }
    if (def.type === "array" && unwrap(def.element).def.type !== "string") return walk(def.element, `${at}[0]`);
    return [at];
  };
  return walk(environmentSchema, "");
}

/** The schema of one field path as returned by cloudNeutralFields(), unwrapped. */
export function fieldSchema(field: string): any {
  let schema: any = environmentSchema;
  for (const segment of field.replace(/\[0\]/g, ".[0]").split(".")) {
    const def = unwrap(schema).def;
    schema = segment === "[0]" ? def.element : def.shape[segment];
  }
  return unwrap(schema);
}
