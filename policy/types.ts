/** Shapes shared by the policy rules, the aspect that runs them and the report. */
import { TerraformBlock } from "../lib/terraform-json";

export type Severity = "high" | "medium" | "low";

export interface PolicyRule {
  /** Stable id, `<CLOUD>-<SERVICE>-<WHAT>` (e.g. "AWS-EC2-IMDSV2"); suppressions name it. */
  id: string;
  severity: Severity;
  /** One line: what must hold. */
  title: string;
  /** One line: how to fix it in this project's config or code. */
  fix: string;
  /**
   * Terraform types the rule applies to. "*" means every block the aspect collects:
   * resources, data sources (type "data.<type>") and provider blocks (type "provider").
   */
  resourceTypes: string[];
  /** Reliability rules (backups, deletion protection, multi-AZ/REGIONAL, autohealing) apply to production only. */
  productionOnly?: boolean;
  /**
   * Returns a short detail string when the resource violates the rule, else undefined.
   * `config` is the resource's Terraform JSON with tokens resolved (references appear as
   * "${type.id.attr}" strings); `all` gives every resource of the stack, for cross-resource rules.
   */
  check(config: any, context: { all: ResolvedResource[]; self: ResolvedResource }): string | undefined;
}

export interface ResolvedResource extends TerraformBlock {
  /** Construct path relative to the stack, e.g. "database/instance". */
  readonly path: string;
}

export interface Suppression {
  rule: string;
  /** Construct path relative to the stack. */
  resource: string;
  /** Why the finding is accepted; shown in the report next to the finding. */
  reason: string;
}

export interface Finding {
  rule: string;
  severity: Severity;
  /** Construct path relative to the stack. */
  resource: string;
  /** type.logicalId, as Terraform addresses it ("provider.aws" for a provider block). */
  address: string;
  title: string;
  detail: string;
  fix: string;
  suppressedReason?: string;
}

/**
 * Deployment modes an environment chooses on purpose. Each necessarily trips some rules; with the
 * mode on, those findings name the mode and take the mode's severity (policy/modes.ts).
 */
export interface PolicyModes {
  /**
   * NAT-less layout (aws.network.nat: none / gcp.network.nat: none): instances have public IPs
   * instead of egressing through NAT, and admit only the load balancer.
   * @default false
   */
  readonly natLess?: boolean;
  /**
   * HTTP-only (no domain): no certificate, so the load balancer serves plain HTTP on port 80.
   * @default false
   */
  readonly httpOnly?: boolean;
}

export type PolicyMode = keyof PolicyModes;
