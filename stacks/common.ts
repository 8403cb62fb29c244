/** Composition rules shared by the per-cloud stacks (derived from the spec, cloud-neutral). */
import util from "util";
import { Aspects, TerraformStack } from "cdktf";
import { PolicyAspect } from "../policy/policy-aspect";
import { Cloud, EnvironmentSpec, ServiceSpec } from "../environment/schema";
import { APP_ENV } from "../lib/app-env";
import { REQUIRED_TERRAFORM_VERSION } from "../lib/terraform-version";

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

/**
 * The URLs each service answers on: `https://<hostname><path>` with a domain, or
 * `http://<load balancer address><path>` without one (the address is a token, known after apply).
 * A prefix path is shown without its trailing `*`; a wildcard hostname as written (`*.example.com`).
 */
export function serviceUrls(environment: EnvironmentSpec, loadBalancerAddress: string): Record<string, string[]> {
  return Object.fromEntries(
    environment.services.map((service) => {
      // A service without hostnames answers on every host: its paths, or whatever the others do not match.
      const origins =
        environment.domain === undefined
          ? [`http://${loadBalancerAddress}`]
          : (service.hostnames ?? routedHostnames(environment)).map((host) => `https://${host}`);
      const paths = (service.paths ?? ["/"]).map((path) => path.replace(/\*$/, ""));
      return [service.name, origins.flatMap((origin) => paths.map((path) => (path === "/" ? origin : `${origin}${path}`)))];
    }),
  );
}

/** How a container reaches its database: no secret, only the secret's id (the app reads it when it connects). */
export interface DatabaseConnection {
  readonly engine: string;
  readonly host: string;
  readonly port: string;
  readonly name: string;
  readonly user: string;
  readonly secretId: string;
}

/**
 * The container's environment from the file: the service's own `env`, then what the stack sets
 * (lib/app-env.ts), which validation keeps users from overriding. The stack adds databaseEnv().
 */
export function containerEnv(service: ServiceSpec, cloud: Cloud, region: string): Record<string, string> {
  return { ...service.env, [APP_ENV.port]: String(service.port), [APP_ENV.cloud]: cloud, [APP_ENV.region]: region };
}

/** The database's variables (tokens, known at apply); none without a database. */
export function databaseEnv(database: DatabaseConnection | undefined): Record<string, string> {
  if (!database) return {};
  return {
    [APP_ENV.databaseEngine]: database.engine,
    [APP_ENV.databaseHost]: database.host,
    [APP_ENV.databasePort]: database.port,
    [APP_ENV.databaseName]: database.name,
    [APP_ENV.databaseUser]: database.user,
    [APP_ENV.databaseSecretId]: database.secretId,
  };
}

/** The service with neither hostnames nor paths: it takes every request the others do not match. */
export function catchAllService(environment: EnvironmentSpec): string | undefined {
  return environment.services.find((service) => !service.hostnames && !service.paths)?.name;
}

/** Every hostname routed by some service, in first-seen order. */
export function routedHostnames(environment: EnvironmentSpec): string[] {
  return [...new Set(environment.services.flatMap((service) => service.hostnames ?? []))];
}

/**
 * What the certificate covers: either the domain and its wildcard (plus any hostname deeper
 * than one label, which a wildcard does not match), or exactly the routed hostnames (wildcard
 * hostnames included as they are). Undefined without a domain: the load balancer serves HTTP.
 */
export function certificateDomains(environment: EnvironmentSpec): { domainName: string; subjectAlternativeNames: string[] } | undefined {
  const domain = environment.domain;
  if (domain === undefined) return undefined;
  const hostnames = routedHostnames(environment);
  if (!environment.certificate.wildcard) {
    const [domainName, ...rest] = hostnames;
    return { domainName, subjectAlternativeNames: rest };
  }
  const coveredByWildcard = (host: string) =>
    host === domain || host === `*.${domain}` || (host.endsWith(`.${domain}`) && !host.slice(0, -domain.length - 1).includes("."));
  return {
    domainName: domain,
    subjectAlternativeNames: [`*.${domain}`, ...hostnames.filter((host) => !coveredByWildcard(host))],
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
  // Modes the file chose on purpose: the findings they necessarily cause name the mode instead.
  const modes = {
    natLess: environment[cloud]?.network.nat === "none",
    httpOnly: environment.domain === undefined,
  };
  const policy = new PolicyAspect({ production: isProduction(environment), suppressions, modes });
  Aspects.of(stack).add(policy);
  return policy;
}

// cdktf's TerraformOutput calls util.isArray, which Node 22 deprecates at run time (DEP0044):
// every synthesis of a stack with an output printed a warning on stderr, where only problems
// belong. util.isArray has always been Array.isArray; cdktf reads the property at each call.
util.isArray = Array.isArray;

/**
 * A stack checked by the policy pack against exactly the JSON it writes: the JSON synthesis
 * resolved is handed to the pack, so the stack's tokens are resolved once per synth, not twice.
 */
export abstract class PolicedStack extends TerraformStack {
  /** The policy pack's findings for this stack, available after synthesis. */
  abstract readonly policy: PolicyAspect;

  override toTerraform(): any {
    const json = super.toTerraform();
    this.policy.useSynthesized(json);
    return json;
  }
}

export function requireTerraform(stack: TerraformStack): void {
  stack.addOverride("terraform.required_version", REQUIRED_TERRAFORM_VERSION);
}
