/** Composition rules shared by the per-cloud stacks (derived from the spec, cloud-neutral). */
import { Aspects, TerraformStack } from "cdktf";
import { PolicyAspect } from "../policy/policy-aspect";
import { Cloud, EnvironmentSpec } from "../environment/schema";

export function isProduction(environment: EnvironmentSpec): boolean {
  return environment.stage === "production";
}

/** Tags/labels every resource carries, so cost reports and audits can find the stack. */
export function stackTags(environment: EnvironmentSpec, stackId: string): Record<string, string> {
  return {
    Project: environment.project,
    Environment: environment.name,
    Stack: stackId,
    ManagedBy: "cdktf",
  };
}

/** `https://<hostname>` of every hostname, grouped by service. */
export function serviceUrls(environment: EnvironmentSpec): Record<string, string[]> {
  return Object.fromEntries(
    environment.services.map((service) => [service.name, service.hostnames.map((host) => `https://${host}`)]),
  );
}

/**
 * What the certificate covers: either the domain and its wildcard (plus any hostname deeper
 * than one label, which a wildcard does not match), or exactly the routed hostnames.
 */
export function certificateDomains(environment: EnvironmentSpec): { domainName: string; subjectAlternativeNames: string[] } {
  const hostnames = [...new Set(environment.services.flatMap((service) => service.hostnames))];
  if (!environment.certificate.wildcard) {
    const [domainName, ...rest] = hostnames;
    return { domainName, subjectAlternativeNames: rest };
  }
  const coveredByWildcard = (host: string) =>
    host === environment.domain || (host.endsWith(`.${environment.domain}`) && !host.slice(0, -environment.domain.length - 1).includes("."));
  return {
    domainName: environment.domain,
    subjectAlternativeNames: [`*.${environment.domain}`, ...hostnames.filter((host) => !coveredByWildcard(host))],
  };
}

/**
 * Local state at the project root, one file per stack (the default for the examples). Terraform
 * resolves the path from the stack's directory, cdktf.out/stacks/<id>, so it climbs out of
 * cdktf.out: state must never live inside generated output. (cdktf's own default is an
 * absolute path, which would make the synthesized JSON differ per checkout.)
 */
export function localStatePath(stackId: string): string {
  return `../../../terraform.${stackId}.tfstate`;
}

/**
 * Runs the security/reliability policy pack over every resource of the stack at synth time,
 * with the environment's written suppressions. In production, high findings block synthesis
 * (stacks/app.ts); in development they are reported.
 */
export function attachPolicy(stack: TerraformStack, environment: EnvironmentSpec, cloud: Cloud): PolicyAspect {
  // A suppression names one cloud's stack, or applies to every stack of the environment.
  const suppressions = environment.policy.suppressions
    .filter((suppression) => suppression.cloud === undefined || suppression.cloud === cloud)
    .map(({ rule, resource, reason }) => ({ rule, resource, reason }));
  const policy = new PolicyAspect({ production: isProduction(environment), suppressions });
  Aspects.of(stack).add(policy);
  return policy;
}
