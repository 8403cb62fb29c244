/**
 * Day-2 plans offline: a stack "as deployed" (a fabricated Terraform state v4), and the plan of a
 * changed stack against it, with the real hashicorp/aws provider from the mirror. The provider
 * computes updates, ForceNew replacements and create_before_destroy order from the prior state, so
 * these plans show what a change to an environment file would do to a running stack.
 *
 * How the state is made (see ../shared/notes/field-notes.md, "Planning against a deployed stack"):
 * 1. plan the stack from nothing and take every resource's planned values;
 * 2. fill each value unknown until apply with a well-formed fake typed by the provider schema
 *    (ids such as vpc-…, ARNs, zone ids Z…, host names; numbers 1; empty collections);
 * 3. resolve references up front: where the configuration says `${aws_vpc.x.id}` the fake value
 *    becomes the referenced resource's fake id, so the second plan already agrees on most of them;
 * 4. plan the SAME configuration against that state and copy every now-known planned value back,
 *    until the plan changes nothing (a settled, "deployed" stack).
 * A working directory is initialized once per stack; the state is written after `terraform init`.
 */
import { spawnSync } from "child_process";
import { createHash, randomUUID } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { OfflineToolchain, offlineCopyOfStack } from "./offline-terraform";

const ACCOUNT = "123456789012";
const PROVIDER = 'provider["registry.terraform.io/hashicorp/aws"]';
const MAX_SETTLE_ROUNDS = 6;

/** A stack that has been "deployed": an initialized working directory holding its settled state. */
export interface DeployedStack {
  readonly workDir: string;
  /** The settled state v4 (never modified by plans of changed stacks). */
  readonly state: any;
  /** How many converge plans the settling took (after the plan from nothing). */
  readonly settleRounds: number;
}

export function terraformRunner(toolchain: OfflineToolchain, workDir: string) {
  const cliConfig = path.join(workDir, "offline.tfrc");
  if (!fs.existsSync(cliConfig)) {
    fs.writeFileSync(cliConfig, `provider_installation {\n  filesystem_mirror {\n    path = ${JSON.stringify(toolchain.mirror.root)}\n  }\n}\n`);
  }
  // The same sealed-off settings as planOffline (offline-terraform.ts), for a kept working directory.
  const quiet = { TF_IN_AUTOMATION: "1", TF_INPUT: "0", CHECKPOINT_DISABLE: "1", AWS_EC2_METADATA_DISABLED: "true" };
  const env = { ...process.env, ...quiet, TF_CLI_CONFIG_FILE: cliConfig, TF_DATA_DIR: path.join(workDir, ".terraform") };
  return (...args: string[]): string => {
    const result = spawnSync("unshare", ["-n", toolchain.terraform, ...args], { cwd: workDir, env, encoding: "utf8", maxBuffer: 512 * 1024 * 1024 });
    if (result.status !== 0) throw new Error(`terraform ${args[0]} failed in ${workDir}:\n${result.stdout}\n${result.stderr}`);
    return result.stdout;
  };
}

type Terraform = ReturnType<typeof terraformRunner>;

function planJson(terraform: Terraform): any {
  terraform("plan", "-refresh=false", "-input=false", "-lock=false", "-no-color", "-out=plan.bin");
  return JSON.parse(terraform("show", "-json", "plan.bin"));
}

function writeConfig(workDir: string, stackJson: any, toolchain: OfflineToolchain): void {
  fs.writeFileSync(path.join(workDir, "main.tf.json"), JSON.stringify(offlineCopyOfStack(stackJson, toolchain.mirror), null, 2));
}

function writeState(workDir: string, state: any): void {
  fs.writeFileSync(path.join(workDir, "terraform.tfstate"), JSON.stringify(state, null, 1));
}

/** The aws provider's resource schemas, read once per process (and cached on disk per version). */
let schemaCache: Record<string, any> | undefined;
function resourceSchemas(terraform: Terraform, toolchain: OfflineToolchain): Record<string, any> {
  if (schemaCache) return schemaCache;
  const file = path.join(os.tmpdir(), `aws-provider-schema-${toolchain.mirror.version}.json`);
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    text = terraform("providers", "schema", "-json");
    fs.writeFileSync(`${file}.${process.pid}`, text);
    fs.renameSync(`${file}.${process.pid}`, file);
  }
  const schemas = JSON.parse(text).provider_schemas;
  const aws = Object.entries<any>(schemas).find(([source]) => source.endsWith("hashicorp/aws"))![1];
  schemaCache = aws.resource_schemas as Record<string, any>;
  return schemaCache;
}

// ---------------------------------------------------------------------------------------------
// Fake values for what only exists after apply.

function hex(seed: string, length: number): string {
  return createHash("sha256").update(seed).digest("hex").slice(0, length);
}

const ID_PREFIX: Record<string, string> = {
  aws_vpc: "vpc-", aws_subnet: "subnet-", aws_security_group: "sg-", aws_default_security_group: "sg-",
  aws_internet_gateway: "igw-", aws_nat_gateway: "nat-", aws_eip: "eipalloc-", aws_route_table: "rtb-",
  aws_route_table_association: "rtbassoc-", aws_launch_template: "lt-", aws_route: "r-rtb-",
  aws_vpc_security_group_ingress_rule: "sgr-", aws_vpc_security_group_egress_rule: "sgr-", aws_flow_log: "fl-",
  aws_network_acl: "acl-", aws_vpc_endpoint: "vpce-", aws_instance: "i-", aws_db_instance: "db-",
};

const ARN_SERVICE: [string, string][] = [
  ["aws_lb", "elasticloadbalancing"], ["aws_alb", "elasticloadbalancing"], ["aws_iam_", "iam"], ["aws_acm_", "acm"],
  ["aws_db_", "rds"], ["aws_rds_", "rds"], ["aws_route53_", "route53"], ["aws_cloudwatch_log", "logs"],
  ["aws_autoscaling_", "autoscaling"], ["aws_secretsmanager_", "secretsmanager"], ["aws_kms_", "kms"], ["aws_s3_", "s3"],
  ["aws_sns_", "sns"], ["aws_cloudwatch_", "cloudwatch"], ["aws_wafv2_", "wafv2"],
];

interface FakeContext {
  readonly type: string;
  readonly address: string;
  readonly region: string;
  /** The resource's known planned values (names to build ids and host names from). */
  readonly known: any;
}

function arnFor(context: FakeContext, attribute: string): string {
  const service = ARN_SERVICE.find(([prefix]) => context.type.startsWith(prefix))?.[1] ?? "ec2";
  const region = service === "iam" || service === "route53" ? "" : context.region;
  const name = typeof context.known.name === "string" ? context.known.name : hex(context.address, 12);
  const kind = context.type.replace(/^aws_/, "").replace(/_/g, "-");
  return `arn:aws:${service}:${region}:${ACCOUNT}:${kind}/${name}/${hex(context.address + attribute, 16)}`;
}

function fakeString(context: FakeContext, attribute: string, nested: any): string {
  const seed = `${context.address}.${attribute}`;
  const region = context.region;
  if (attribute === "resource_record_type") return "CNAME";
  if (attribute === "resource_record_name") return `_${hex(seed + JSON.stringify(nested), 32)}.${nested?.domain_name ?? "example.com"}.`;
  if (attribute === "resource_record_value") return `_${hex(seed + JSON.stringify(nested), 32)}.acm-validations.aws.`;
  if (attribute === "arn" || attribute.endsWith("_arn") || attribute === "arn_suffix") {
    const arn = arnFor(context, attribute);
    return attribute === "arn_suffix" ? arn.split(":").pop()!.replace(/^[a-z-]+\//, "") : arn;
  }
  if (attribute === "id") {
    if (context.type === "aws_route53_zone") return `Z${hex(seed, 20).toUpperCase()}`;
    if (ID_PREFIX[context.type]) return ID_PREFIX[context.type] + hex(seed, 17);
    if (/^aws_(lb|alb|acm_certificate$)/.test(context.type)) return arnFor(context, "arn");
    if (typeof context.known.name === "string") return context.known.name;
    return `${context.type.replace(/^aws_/, "")}-${hex(seed, 17)}`;
  }
  if (attribute === "zone_id" || attribute.endsWith("hosted_zone_id")) return context.type.startsWith("aws_lb") ? "Z32O12XQLNTSW2" : `Z${hex(seed, 20).toUpperCase()}`;
  if (attribute === "owner_id" || attribute === "account_id") return ACCOUNT;
  if (attribute === "availability_zone") return `${region}a`;
  if (attribute === "availability_zone_id") return "euw1-az1";
  if (attribute.endsWith("_ip") || attribute === "ip_address") return attribute.includes("public") ? "203.0.113.10" : "10.0.0.10";
  if (attribute.includes("ipv6")) return "";
  if (attribute === "dns_name" || attribute === "address" || attribute === "fqdn" || attribute.endsWith("dns")) {
    return `${hex(seed, 10)}.${region}.${context.type.startsWith("aws_db") ? "rds" : "elb"}.amazonaws.com`;
  }
  if (attribute === "endpoint") return `${hex(seed, 10)}.${region}.rds.amazonaws.com:${context.known.port ?? 3306}`;
  if (attribute.endsWith("_version") || attribute === "version") return "1";
  if (attribute === "name" || attribute === "name_prefix") return `${context.type.replace(/^aws_/, "")}-${hex(seed, 8)}`;
  // Optional+computed values the provider's CustomizeDiff compares: plausible, not random.
  const plausible: Record<string, string> = {
    protocol_version: "HTTP1", ip_address_type: "ipv4", load_balancing_algorithm_type: "round_robin",
    target_type: "instance", storage_type: "gp3", license_model: "general-public-license", status: "active",
    ca_cert_identifier: "rds-ca-rsa2048-g1", network_type: "IPV4", engine_lifecycle_support: "open-source-rds-extended-support",
    instance_tenancy: "default", allocation_id: `eipalloc-${hex(seed, 17)}`, network_interface_id: `eni-${hex(seed, 17)}`,
  };
  return plausible[attribute] ?? `fake-${attribute}-${hex(seed, 8)}`;
}

/** A fake value of a Terraform type (cty type JSON from the schema). */
function fakeOfType(type: any, context: FakeContext, attribute: string, nested: any): any {
  if (type === "string") return fakeString(context, attribute, nested);
  if (type === "number") return attribute.endsWith("version") ? 1 : 1;
  if (type === "bool") return false;
  if (Array.isArray(type) && (type[0] === "list" || type[0] === "set")) {
    if (attribute === "master_user_secret") {
      return [{ kms_key_id: arnFor(context, "kms"), secret_arn: `arn:aws:secretsmanager:${context.region}:${ACCOUNT}:secret:rds!${hex(context.address, 12)}`, secret_status: "active" }];
    }
    if (attribute === "name_servers") return ["ns-1.awsdns-01.org", "ns-2.awsdns-02.co.uk", "ns-3.awsdns-03.com", "ns-4.awsdns-04.net"];
    return [];
  }
  if (Array.isArray(type) && type[0] === "map") return {};
  if (Array.isArray(type) && type[0] === "object") {
    return Object.fromEntries(Object.entries<any>(type[1]).map(([key, inner]) => [key, fakeOfType(inner, context, key, nested)]));
  }
  return null;
}

/** Type of an attribute, or of a nested block (as a list of objects). */
function schemaType(block: any, name: string): { type?: any; block?: any; nesting?: string } {
  const attribute = block?.attributes?.[name];
  if (attribute) return { type: attribute.type ?? (attribute.nested_type ? ["list", "dynamic"] : undefined) };
  const nested = block?.block_types?.[name];
  return nested ? { block: nested.block, nesting: nested.nesting_mode } : {};
}

/** Fills the unknown parts of `value` (marked by `unknown`) recursively. */
function fillUnknown(value: any, unknown: any, block: any, type: any, context: FakeContext, attribute: string, parent: any, nesting?: string): any {
  if (unknown === true && nesting) return nesting === "list" || nesting === "set" ? [] : null;
  if (unknown === true) return fakeOfType(type ?? "string", context, attribute, parent);
  if (Array.isArray(unknown)) {
    const list = Array.isArray(value) ? value : [];
    const elementType = Array.isArray(type) ? type[1] : undefined;
    return unknown.map((inner, index) => fillUnknown(list[index], inner, block, elementType, context, attribute, list[index]));
  }
  if (unknown && typeof unknown === "object") {
    const object = value && typeof value === "object" ? { ...value } : {};
    for (const [key, inner] of Object.entries(unknown)) {
      const objectType = Array.isArray(type) && type[0] === "object" ? type[1][key] : undefined;
      const nested = block ? schemaType(block, key) : {};
      object[key] = fillUnknown(object[key], inner, nested.block, objectType ?? nested.type, context, key, object, nested.nesting);
    }
    return object;
  }
  return value;
}

// ---------------------------------------------------------------------------------------------
// References and sensitivity.

const SINGLE_REFERENCE = /^\$\{((?:data\.)?[a-z0-9_]+\.[A-Za-z0-9_-]+)\.([a-z0-9_]+)\}$/;
const TEMPLATE_REFERENCE = /\$\{((?:data\.)?[a-z0-9_]+\.[A-Za-z0-9_-]+)\.([a-z0-9_]+)\}/g;

/** Copies referenced values into the places the configuration refers to them; true when anything changed. */
function resolveReferences(expressions: any, values: any, attributes: Map<string, any>): boolean {
  let changed = false;
  const resolve = (text: string): any => {
    const single = SINGLE_REFERENCE.exec(text);
    if (single) return attributes.get(single[1])?.[single[2]];
    if (!text.includes("${")) return undefined;
    let complete = true;
    const replaced = text.replace(TEMPLATE_REFERENCE, (_, address: string, attribute: string) => {
      const value = attributes.get(address)?.[attribute];
      if (typeof value !== "string" && typeof value !== "number") complete = false;
      return String(value);
    });
    return complete && !replaced.includes("${") ? replaced : undefined;
  };
  const walk = (expression: any, value: any, assign: (resolved: any) => void): void => {
    if (!expression || typeof expression !== "object") return;
    if (Array.isArray(expression)) {
      if (Array.isArray(value)) expression.forEach((inner, index) => walk(inner, value[index], () => undefined));
      return;
    }
    if ("constant_value" in expression || "references" in expression) {
      const constant = expression.constant_value;
      if (typeof constant === "string") {
        const resolved = resolve(constant);
        if (resolved !== undefined && resolved !== null && JSON.stringify(resolved) !== JSON.stringify(value)) {
          assign(typeof value === "number" ? Number(resolved) : resolved);
          changed = true;
        }
      } else if (Array.isArray(constant)) {
        const resolved = constant.map((item) => (typeof item === "string" ? (resolve(item) ?? item) : item));
        if (!resolved.some((item) => typeof item === "string" && item.includes("${")) && JSON.stringify(resolved) !== JSON.stringify(value)) {
          assign(resolved);
          changed = true;
        }
      }
      return;
    }
    if (value && typeof value === "object" && !Array.isArray(value)) {
      for (const [key, inner] of Object.entries(expression)) walk(inner, value[key], (resolved) => (value[key] = resolved));
    }
  };
  walk(expressions, values, () => undefined);
  return changed;
}

function referencedResources(expressions: any, out: Set<string>): Set<string> {
  if (Array.isArray(expressions)) expressions.forEach((inner) => referencedResources(inner, out));
  else if (expressions && typeof expressions === "object") {
    for (const [key, inner] of Object.entries(expressions)) {
      if (key === "references" && Array.isArray(inner)) {
        for (const reference of inner) if (/^[a-z0-9_]+\.[A-Za-z0-9_-]+$/.test(reference)) out.add(reference);
      } else referencedResources(inner, out);
    }
  }
  return out;
}

/** after_sensitive (true / nested objects) as state v4 sensitive_attributes paths. */
function sensitivePaths(marks: any, prefix: any[] = []): any[][] {
  if (marks === true) return [prefix];
  if (Array.isArray(marks)) return marks.flatMap((inner, index) => sensitivePaths(inner, [...prefix, { type: "index", value: { value: index, type: "number" } }]));
  if (marks && typeof marks === "object") {
    return Object.entries(marks).flatMap(([key, inner]) => sensitivePaths(inner, [...prefix, { type: "get_attr", value: key }]));
  }
  return [];
}

// ---------------------------------------------------------------------------------------------

function stateFromPlan(plan: any, stackJson: any, schemas: Record<string, any>): any {
  const region = stackJson.provider?.aws?.[0]?.region ?? "eu-west-1";
  const configuration = new Map<string, any>(plan.configuration.root_module.resources.map((resource: any) => [resource.address, resource]));
  const values = new Map<string, any>();
  const changes = plan.resource_changes.filter((change: any) => change.mode === "managed");
  for (const change of changes) {
    const block = schemas[change.type].block;
    const context: FakeContext = { type: change.type, address: change.address, region, known: change.change.after };
    const value = JSON.parse(JSON.stringify(change.change.after));
    for (const [name, unknown] of Object.entries<any>(change.change.after_unknown)) {
      const nested = schemaType(block, name);
      value[name] = fillUnknown(value[name], unknown, nested.block, nested.type, context, name, value, nested.nesting);
    }
    values.set(change.address, value);
  }
  for (let round = 0; round < 10; round++) {
    let changed = false;
    for (const [address, value] of values) changed = resolveReferences(configuration.get(address)?.expressions, value, values) || changed;
    if (!changed) break;
  }
  const resources = changes.map((change: any) => {
    const config = configuration.get(change.address);
    const schemaSensitive = Object.entries<any>(schemas[change.type].block.attributes ?? {}).filter(([, attribute]) => attribute.sensitive).map(([name]) => [{ type: "get_attr", value: name }]);
    const sensitive = new Map([...schemaSensitive, ...sensitivePaths(change.change.after_sensitive)].map((p) => [JSON.stringify(p), p]));
    const dependencies = referencedResources(config?.expressions, new Set<string>());
    for (const dependency of config?.depends_on ?? []) dependencies.add(dependency);
    const lifecycle = stackJson.resource?.[change.type]?.[change.name]?.lifecycle;
    return {
      mode: "managed",
      type: change.type,
      name: change.name,
      provider: PROVIDER,
      instances: [
        {
          schema_version: config?.schema_version ?? 0,
          attributes: values.get(change.address),
          sensitive_attributes: [...sensitive.values()],
          dependencies: [...dependencies].sort(),
          ...(lifecycle?.create_before_destroy ? { create_before_destroy: true } : {}),
        },
      ],
    };
  });
  return { version: 4, terraform_version: plan.terraform_version, serial: 1, lineage: randomUUID(), outputs: {}, resources, check_results: null };
}

/** Copies the known planned values of every changed resource back into the state; the addresses copied. */
function absorbPlan(state: any, plan: any): string[] {
  const byAddress = new Map<string, any>(state.resources.map((resource: any) => [`${resource.type}.${resource.name}`, resource.instances[0]]));
  const absorbed: string[] = [];
  for (const change of plan.resource_changes ?? []) {
    if (change.mode !== "managed" || change.change.actions.join() === "no-op") continue;
    const instance = byAddress.get(change.address);
    if (!instance) throw new Error(`settling: ${change.address} is planned but not in the fabricated state`);
    absorbed.push(`${change.address} ${change.change.actions.join("+")}`);
    const merge = (prior: any, after: any, unknown: any): any => {
      if (unknown === true) return prior;
      if (Array.isArray(after)) return after.map((inner, index) => merge(Array.isArray(prior) ? prior[index] : undefined, inner, Array.isArray(unknown) ? unknown[index] : undefined));
      if (after && typeof after === "object") {
        const object: any = { ...(prior && typeof prior === "object" && !Array.isArray(prior) ? prior : {}) };
        for (const key of new Set([...Object.keys(after), ...Object.keys(unknown ?? {})])) {
          object[key] = merge(object[key], after[key], unknown?.[key]);
        }
        return object;
      }
      return after;
    };
    instance.attributes = merge(instance.attributes, change.change.after, change.change.after_unknown);
  }
  return absorbed;
}

/**
 * Plans `stackJson` from nothing, fabricates its deployed state and settles it (the same
 * configuration then plans no change). Throws, listing what still changes, if it does not settle.
 * `confirm: false` skips the last plan that proves "no changes" (the tests' own plans show any).
 */
export function deployStack(stackJson: any, toolchain: OfflineToolchain, options: { confirm?: boolean } = {}): DeployedStack {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "day2-"));
  const terraform = terraformRunner(toolchain, workDir);
  writeConfig(workDir, stackJson, toolchain);
  terraform("init", "-input=false", "-no-color");
  const schemas = resourceSchemas(terraform, toolchain);
  const state = stateFromPlan(planJson(terraform), stackJson, schemas);
  let absorbed: string[] = [];
  for (let round = 1; round <= MAX_SETTLE_ROUNDS; round++) {
    writeState(workDir, state);
    absorbed = absorbPlan(state, planJson(terraform));
    if (process.env.DAY2_DEBUG) process.stderr.write(`settle round ${round}: ${absorbed.join("; ")}\n`);
    // Without confirm, one converge round is trusted (it settled every stack here): a plan less.
    if (absorbed.length === 0 || options.confirm === false) return { workDir, state: JSON.parse(JSON.stringify(state)), settleRounds: round };
    state.serial += 1;
  }
  throw new Error(`the fabricated state of ${workDir} did not settle; still changing:\n${absorbed.join("\n")}`);
}

/** `terraform show -json` of the plan of `changedStackJson` against the deployed (settled) state. */
export function planChange(deployed: DeployedStack, changedStackJson: any, toolchain: OfflineToolchain): any {
  const terraform = terraformRunner(toolchain, deployed.workDir);
  writeConfig(deployed.workDir, changedStackJson, toolchain);
  writeState(deployed.workDir, deployed.state);
  return planJson(terraform);
}

/** The changed resources of a plan, "<address> <actions>", sorted; no-ops and reads left out. */
export function changeList(plan: any): string[] {
  return (plan.resource_changes ?? [])
    .filter((change: any) => !["no-op", "read"].includes(change.change.actions.join()))
    .map((change: any) => `${change.address} ${change.change.actions.join(",")}`)
    .sort();
}
