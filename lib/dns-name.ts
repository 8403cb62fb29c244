/**
 * DNS name checks shared by the DNS, certificate and load-balancer constructs of both clouds
 * (Route 53, ACM, Cloud DNS and managed certificates agree on these rules).
 */

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Why `name` is not a fully qualified DNS name (already lower-cased, no trailing dot), or
 * undefined when it is. A leading "*." label is accepted when `allowWildcard` is set.
 */
export function dnsNameProblem(name: string, allowWildcard = false): string | undefined {
  if (name.length === 0) return "is empty";
  if (name.length > 253) return `is ${name.length} characters long (at most 253)`;
  const labels = name.split(".");
  if (labels.length < 2) return `"${name}" is not a fully qualified domain name (e.g. "example.com")`;
  const rest = allowWildcard && labels[0] === "*" ? labels.slice(1) : labels;
  if (rest.length < 2) {
    return `"${name}" needs at least two labels after the wildcard (e.g. "*.example.com")`;
  }
  const bad = rest.find((label) => !LABEL.test(label));
  if (bad !== undefined) {
    const wildcardHint = allowWildcard ? ', or a leading "*"' : "";
    return `"${name}" has an invalid label "${bad}" (1..63 of a-z, 0-9 and "-", not starting or ending with "-"${wildcardHint})`;
  }
  return undefined;
}

/** Lower case without a trailing dot: the form DNS services, certificates and host rules compare. */
export function normalizeDnsName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, "");
}

/**
 * The domain whose DNS validation record also proves a hostname: the hostname itself, or the
 * parent of a wildcard ("*.example.com" → "example.com"). ACM validates both with the same
 * record, and a Certificate Manager DNS authorization of the parent covers the wildcard.
 */
export function validatedDomain(hostname: string): string {
  return hostname.startsWith("*.") ? hostname.slice(2) : hostname;
}

/**
 * A Terraform expression for a zone's `name_servers` without trailing dots: paste-ready for a
 * registrar whatever the DNS service returns (Cloud DNS adds the dot, Route 53 does not). A plain
 * `for` keeps the service's order (TerraformIterator.fromList would wrap the list in toset).
 */
export function nameServersWithoutTrailingDots(zoneFqn: string): string {
  return `\${[for ns in ${zoneFqn}.name_servers : trimsuffix(ns, ".")]}`;
}
