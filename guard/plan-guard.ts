/**
 * Data-protection guard: finds the changes of a Terraform plan (`terraform show -json <planfile>`)
 * that would delete or replace a resource holding state that a new resource does not get back,
 * or forget one (drop it from state without destroying it: the data stays, but Terraform no
 * longer manages, protects or backs up that object, and a re-apply creates an empty twin).
 *
 * Pure on purpose (no file system, no cdktf, no provider bindings): the CLI in guard/cli.ts and
 * other plan tools import it, and it must stay fast enough to run on every CI plan.
 */
import { PlanAction, resourceChanges } from "../plan/plan-json";

/**
 * Why losing each type hurts. A type is listed when deleting it, or replacing it with a new one,
 * loses data, or an identity other systems depend on, that Terraform cannot restore.
 * Deliberately not listed: compute (instances, groups, templates), networking, load balancers,
 * DNS records, IAM, `aws_rds_cluster_instance` (Aurora data lives in the cluster volume),
 * `google_sql_user` and secret versions (recreated from configuration), caches.
 */
export const STATEFUL_RESOURCE_REASONS: Readonly<Record<string, string>> = {
  aws_db_instance: "the database: a replacement starts empty (at best restored from a snapshot, losing recent writes)",
  aws_rds_cluster: "the Aurora cluster owns the storage volume of every instance in it",
  aws_route53_zone:
    "a new hosted zone gets new name servers: the domain stops resolving until the registrar's NS records are changed",
  aws_acm_certificate:
    "a new certificate must be validated again through DNS; listeners using the old one block its deletion mid-apply",
  aws_s3_bucket: "objects are deleted with the bucket, and the globally unique name may be taken by someone else",
  aws_secretsmanager_secret: "the secret value and its versions go, and the name stays blocked during the recovery window",
  aws_kms_key: "everything encrypted under the key becomes unreadable once the deletion window ends",
  aws_ebs_volume: "the disk's data",
  aws_efs_file_system: "the file system's data",
  aws_dynamodb_table: "the table's items",
  google_sql_database_instance: "the database: a replacement starts empty, and the instance name is blocked for a week",
  google_sql_database: "dropping a database drops its tables",
  google_dns_managed_zone:
    "a new managed zone gets new name servers: the domain stops resolving until the registrar's NS records are changed",
  google_compute_managed_ssl_certificate:
    "a new Google-managed certificate is provisioned again from DNS, which takes up to an hour of TLS errors",
  google_secret_manager_secret: "every version of the secret is destroyed at once; there is no recovery window",
  google_storage_bucket: "objects are deleted with the bucket, and the globally unique name may be taken by someone else",
  google_kms_crypto_key: "its key versions are scheduled for destruction: data encrypted with them becomes unreadable",
  google_compute_disk: "the disk's data",
  google_compute_region_disk: "the disk's data",
  google_filestore_instance: "the file share's data",
};

/** Resource types whose deletion, replacement or forgetting the guard refuses unless allowed. */
export const STATEFUL_RESOURCE_TYPES: ReadonlySet<string> = new Set(Object.keys(STATEFUL_RESOURCE_REASONS));

export type DestructiveAction = Extract<PlanAction, "delete" | "replace" | "forget" | "create-forget">;

const DESTRUCTIVE_ACTIONS: ReadonlySet<PlanAction> = new Set<DestructiveAction>(["delete", "replace", "forget", "create-forget"]);

/** Whether the change drops the object from state without destroying it. */
export function isForget(action: PlanAction): boolean {
  return action === "forget" || action === "create-forget";
}

export interface DestructiveChange {
  address: string;
  type: string;
  action: DestructiveAction;
}

export interface GuardViolation extends DestructiveChange {
  /** The allow entry that matched; set on `GuardResult.allowed` entries only. */
  allowedBy?: string;
}

export interface GuardResult {
  /** Destructive changes of stateful resources that no allow entry matched. */
  violations: GuardViolation[];
  /** Destructive changes of stateful resources that an allow entry matched. */
  allowed: GuardViolation[];
}

/** An allow entry that could match nothing, or everything. */
export class AllowEntryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AllowEntryError";
  }
}

/** Every change that deletes, replaces or forgets a managed resource, of any type, in plan order. */
export function destructiveChanges(plan: any): DestructiveChange[] {
  return resourceChanges(plan).flatMap(({ address, type, mode, action }) =>
    mode !== "data" && DESTRUCTIVE_ACTIONS.has(action) ? [{ address, type, action: action as DestructiveAction }] : [],
  );
}

/** Destructive changes of stateful resources, split by whether an allow entry matches them. */
export function guardPlan(plan: any, options: { allow?: string[] } = {}): GuardResult {
  const allow = options.allow ?? [];
  allow.forEach(checkAllowEntry);
  const result: GuardResult = { violations: [], allowed: [] };
  for (const change of destructiveChanges(plan)) {
    if (!STATEFUL_RESOURCE_TYPES.has(change.type)) continue;
    const allowedBy = allow.find((entry) => allowEntryMatches(entry, change));
    if (allowedBy === undefined) result.violations.push(change);
    else result.allowed.push({ ...change, allowedBy });
  }
  return result;
}

/**
 * One line per destructive change of a stateful resource, each violation followed by how to
 * allow it deliberately. `reasons` maps an allow entry to why it was allowed (from the
 * environment file); entries without one are shown as given on the command line.
 */
export function formatGuardResult(
  result: GuardResult,
  planFile?: string,
  reasons: Readonly<Record<string, string>> = {},
): string {
  const prefix = planFile === undefined ? "" : `${planFile}: `;
  const lines: string[] = [];
  for (const violation of result.violations) {
    lines.push(`${prefix}${describe(violation)}`);
    lines.push(
      `  to allow it deliberately: --allow ${violation.address}, or add ` +
        `{ resource: ${violation.address}, reason: "<why this data may go>" } to dataProtection.allowDestroy in the environment file`,
    );
  }
  for (const allowed of result.allowed) {
    const entry = allowed.allowedBy ?? "";
    const why = Object.prototype.hasOwnProperty.call(reasons, entry) ? `: ${reasons[entry]}` : " (--allow)";
    lines.push(`${prefix}${describe(allowed)}, allowed by ${entry}${why}`);
  }
  if (lines.length === 0) lines.push(`${prefix}no stateful resource would be deleted or replaced`);
  return lines.join("\n");
}

const OUTCOMES: Record<DestructiveAction, string> = {
  delete: "deleted",
  replace: "replaced",
  forget: "forgotten (removed from state, not destroyed: Terraform stops managing it)",
  "create-forget": "forgotten and a new one created (the old one is removed from state, not destroyed: Terraform stops managing it)",
};

function describe(change: DestructiveChange): string {
  return `${change.address} (${change.type}) would be ${OUTCOMES[change.action]}`;
}

/** Why an allow entry is unusable, or undefined when it is fine. */
export function allowEntryProblem(entry: unknown): string | undefined {
  const allowed = "an address, a resource type, or a prefix ending in *, e.g. module.data.*";
  if (typeof entry !== "string") return `${JSON.stringify(entry)} is not text (${allowed})`;
  const pattern = entry.trim();
  if (pattern === "" || pattern === "*") return `${JSON.stringify(entry)} would allow every change (${allowed})`;
  if (pattern.indexOf("*") !== pattern.length - 1 && pattern.includes("*")) {
    return `${JSON.stringify(entry)}: * is only allowed at the end (${allowed})`;
  }
  return undefined;
}

function checkAllowEntry(entry: string): void {
  const problem = allowEntryProblem(entry);
  if (problem !== undefined) throw new AllowEntryError(`allow entry ${problem}`);
}

/** Exact address, exact resource type, or address prefix written with a trailing `*`. */
function allowEntryMatches(entry: string, change: DestructiveChange): boolean {
  const pattern = entry.trim();
  if (pattern.endsWith("*")) return change.address.startsWith(pattern.slice(0, -1));
  return pattern === change.address || pattern === change.type;
}
