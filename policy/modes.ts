/**
 * What a deployment mode does to the findings it necessarily causes. A NAT-less or HTTP-only
 * environment is chosen on purpose, so its findings must not read (or block) like an accident;
 * but they must still name the mode, so nobody mistakes them for a clean stack. One table for
 * both clouds: a mode lists the rule ids it excuses, its severity in development and production,
 * and optionally a claim to verify per rule, without which the finding keeps the rule's severity.
 */
import { instancesAdmitMoreThanLoadBalancer } from "./rules-aws";
import { vmsAdmitMoreThanLoadBalancer } from "./rules-gcp";
import { PolicyMode, PolicyModes, PolicyRule, ResolvedResource, Severity } from "./types";

/** Why the mode's claim does not hold for this resource, or undefined when it does. */
export type ModeClaimCheck = (self: ResolvedResource, all: ResolvedResource[]) => string | undefined;

export interface ModeEffect {
  /** How findings name the mode, e.g. "HTTP-only". */
  name: string;
  /** What the mode says about the resource, appended to the name in the finding's detail. */
  claim: string;
  /** The rules the mode necessarily trips, each with the check of its claim (null: nothing to verify). */
  rules: Record<string, ModeClaimCheck | null>;
  severity: { development: Severity; production: Severity };
  /** Replaces the rule's fix, which would undo the mode rather than address the finding. */
  fix: string;
}

export const MODE_EFFECTS: Record<PolicyMode, ModeEffect> = {
  natLess: {
    name: "NAT-less layout (aws.network.nat: none / gcp.network.nat: none)",
    claim: "instances have public IPs; their security group/firewall admits only the load balancer",
    rules: { "AWS-EC2-PUBLIC-IP": instancesAdmitMoreThanLoadBalancer, "GCP-VM-EXTERNAL-IP": vmsAdmitMoreThanLoadBalancer },
    // Only reachable through the load balancer: no worse than a private instance behind NAT.
    severity: { development: "medium", production: "medium" },
    fix: "Accepted while the instances admit only the load balancer; for private instances set aws.network.nat single/per-az or gcp.network.nat cloud-nat",
  },
  httpOnly: {
    name: "HTTP-only",
    claim: "no domain, so no certificate; add a domain for HTTPS",
    rules: { "AWS-ELB-HTTP-REDIRECT": null, "GCP-LB-HTTP-REDIRECT": null },
    // Plain HTTP is fine to try things out, never for production traffic unless suppressed with a reason.
    severity: { development: "medium", production: "high" },
    fix: "Set domain in the environment file: the load balancer then serves HTTPS and port 80 only redirects",
  },
};

/** What a finding becomes under the active modes (unchanged when no active mode names its rule). */
export interface ModedFinding {
  severity: Severity;
  detail: string;
  fix: string;
}

export function applyModes(
  modes: PolicyModes,
  production: boolean,
  rule: PolicyRule,
  detail: string,
  context: { self: ResolvedResource; all: ResolvedResource[] },
): ModedFinding {
  for (const mode of Object.keys(MODE_EFFECTS) as PolicyMode[]) {
    const effect = MODE_EFFECTS[mode];
    if (!modes[mode] || !Object.keys(effect.rules).includes(rule.id)) continue;
    const broken = effect.rules[rule.id]?.(context.self, context.all);
    if (broken !== undefined) {
      return { severity: rule.severity, detail: `${detail}; the ${effect.name} does not excuse it: ${broken}`, fix: rule.fix };
    }
    const severity = production ? effect.severity.production : effect.severity.development;
    return { severity, detail: `${effect.name}: ${effect.claim} (${detail})`, fix: effect.fix };
  }
  return { severity: rule.severity, detail, fix: rule.fix };
}
