/**
 * A plan JSON made from a synthesized stack without Terraform or a provider (there is no Google
 * provider binary offline): every resource is created, its `after` is its configuration, a value
 * that refers to another resource (`${type.name.attr}`) is unknown until apply as in a real plan,
 * and the configuration's references are there the way `terraform show -json` writes them.
 */
const META_ARGUMENTS = new Set(["lifecycle", "depends_on", "provider", "count", "for_each", "connection", "provisioner"]);

export function fabricatedCreatePlan(stack: any): any {
  const resourceChanges: any[] = [];
  const configResources: any[] = [];
  for (const [type, resources] of Object.entries<any>(stack.resource ?? {})) {
    for (const [name, config] of Object.entries<any>(resources)) {
      const values = Object.fromEntries(Object.entries(config).filter(([key]) => !META_ARGUMENTS.has(key)));
      const { after, unknown } = split(values);
      resourceChanges.push({
        address: `${type}.${name}`,
        mode: "managed",
        type,
        name,
        change: { actions: ["create"], before: null, after, after_unknown: unknown ?? {}, before_sensitive: false, after_sensitive: {} },
      });
      configResources.push({ address: `${type}.${name}`, mode: "managed", type, name, expressions: expressions(values)[0] });
    }
  }
  const providerConfig = Object.fromEntries(
    Object.entries<any>(stack.provider ?? {}).map(([name, [config]]) => [
      name,
      { name, expressions: Object.fromEntries(Object.entries<any>(config ?? {}).map(([key, value]) => [key, { constant_value: value }])) },
    ]),
  );
  return {
    format_version: "1.2",
    terraform_version: "1.11.4",
    resource_changes: resourceChanges,
    configuration: { provider_config: providerConfig, root_module: { resources: configResources } },
  };
}

const REFERENCE = /\$\{([\w-]+\.[\w-]+)(\.[\w.-]+)?\}/g;

/** Known values, and the after_unknown marker for the ones that refer to other resources. */
function split(value: any): { after: any; unknown: any } {
  if (typeof value === "string") return value.includes("${") ? { after: undefined, unknown: true } : { after: value, unknown: undefined };
  if (Array.isArray(value)) {
    const parts = value.map(split);
    return { after: parts.map((part) => part.after ?? null), unknown: parts.some((part) => part.unknown) ? parts.map((part) => part.unknown ?? false) : undefined };
  }
  if (value !== null && typeof value === "object") {
    const after: Record<string, any> = {};
    const unknown: Record<string, any> = {};
    for (const [key, inner] of Object.entries(value)) {
      const part = split(inner);
      if (part.after !== undefined) after[key] = part.after;
      if (part.unknown !== undefined) unknown[key] = part.unknown;
    }
    return { after, unknown: Object.keys(unknown).length > 0 ? unknown : undefined };
  }
  return { after: value, unknown: undefined };
}

/** `{ attr: { references: [...] } }` the way plans write a resource's configuration. */
function expressions(value: any): any {
  if (typeof value === "string") {
    const references = [...value.matchAll(REFERENCE)].flatMap((match) => [`${match[1]}${match[2] ?? ""}`, match[1]]);
    return references.length > 0 ? { references } : { constant_value: value };
  }
  const block = (object: any) => Object.fromEntries(Object.entries(object).map(([key, inner]) => [key, expressions(inner)]));
  if (Array.isArray(value)) return value.every((item) => item !== null && typeof item === "object") ? value.map(block) : { constant_value: value };
  if (value !== null && typeof value === "object") return [block(value)];
  return { constant_value: value };
}
