/** Rules for every cloud: nothing secret is ever written into the synthesized JSON. */
import { isOnlyInterpolations } from "../lib/terraform-json";
import { PolicyRule } from "./types";

const SECRET_KEY = /password|secret_data|secret_string|private_key|access_key|secret_key/i;
/** Provider blocks also take credentials under these names (the project sets none: they come from the environment). */
const PROVIDER_SECRET_KEY = /^(credentials|access_token|token)$/i;

/** Dotted paths of literal strings under secret-looking keys, at any depth (the values themselves never leave here). */
function literalSecrets(value: unknown, path: string, isProvider: boolean, found: string[]): string[] {
  if (Array.isArray(value)) {
    value.forEach((item, index) => literalSecrets(item, `${path}[${index}]`, isProvider, found));
    return found;
  }
  if (value === null || typeof value !== "object") return found;
  for (const [key, child] of Object.entries(value)) {
    if (key === "//") continue; // cdktf metadata
    const childPath = path ? `${path}.${key}` : key;
    const secretKey = SECRET_KEY.test(key) || (isProvider && PROVIDER_SECRET_KEY.test(key));
    if (secretKey) {
      const strings = typeof child === "string" ? [[childPath, child]] : Array.isArray(child) ? child.map((item, index) => [`${childPath}[${index}]`, item]) : [];
      for (const [where, text] of strings) {
        if (typeof text === "string" && text !== "" && !isOnlyInterpolations(text)) found.push(where);
      }
    }
    literalSecrets(child, childPath, isProvider, found);
  }
  return found;
}

const secretLiteral: PolicyRule = {
  id: "ANY-SECRET-LITERAL",
  severity: "high",
  title: "No secret (password, secret data/string, private or access key, provider credentials) is a literal in the configuration",
  fix: "Generate it (random_password, RDS manage_master_user_password) or reference a secret store; provider credentials come from the environment",
  resourceTypes: ["*"],
  check: (config, { self }) => {
    const paths = literalSecrets(config, "", self.type === "provider", []);
    return paths.length > 0 ? `literal value at ${paths.join(", ")} (value not shown)` : undefined;
  },
};

export const ANY_RULES: PolicyRule[] = [secretLiteral];
