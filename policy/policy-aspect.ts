/**
 * Runs the policy rules over one stack at synth time. Aspects visit constructs one by one, but
 * cross-resource rules need the whole stack, so visit() only collects Terraform blocks and the
 * rules run on the first findings()/blocking() call after synthesis, against the stack's own
 * resolved JSON (stack.toTerraform(): exactly what is written, overrides included). A stack that
 * hands over the JSON its synthesis produced (useSynthesized) spares a second resolve of every
 * token, about a fifth of synthesis time.
 */
import { IAspect, TerraformDataSource, TerraformElement, TerraformProvider, TerraformResource, TerraformStack } from "cdktf";
import { IConstruct } from "constructs";
import { addressOf, sectionBlocks } from "../lib/terraform-json";
import { applyModes } from "./modes";
import { ALL_RULES } from "./rules";
import { Finding, PolicyModes, PolicyRule, ResolvedResource, Severity, Suppression } from "./types";

export interface PolicyAspectOptions {
  /**
   * Whether the stack is a production environment: production-only (reliability) rules run, and
   * unsuppressed high findings block.
   */
  readonly production: boolean;
  /**
   * Accepted findings, each for one rule on one resource (construct path relative to the stack)
   * with the reason shown in the report. A suppression that matches nothing is reported as stale.
   * @default []
   */
  readonly suppressions?: Suppression[];
  /**
   * The rules to run.
   * @default ALL_RULES
   */
  readonly rules?: PolicyRule[];
  /**
   * Deployment modes the environment chose on purpose. The findings a mode necessarily causes name
   * the mode and take its severity (policy/modes.ts): NAT-less public IPs become medium while the
   * instances admit only the load balancer; HTTP-only's missing redirect is medium in development
   * and stays high in production. Rule ids do not change, so suppressions keep matching.
   * @default {} (natLess and httpOnly false)
   */
  readonly modes?: PolicyModes;
}

const SEVERITY_ORDER: Record<Severity, number> = { high: 0, medium: 1, low: 2 };

export class PolicyAspect implements IAspect {
  private readonly production: boolean;
  private readonly suppressions: Suppression[];
  private readonly rules: PolicyRule[];
  private readonly modes: PolicyModes;
  private stack?: TerraformStack;
  private readonly elements = new Set<TerraformElement>();
  private visited = false;
  private evaluated?: Finding[];
  private synthesized?: any;

  constructor(options: PolicyAspectOptions) {
    this.production = options.production;
    this.rules = options.rules ?? ALL_RULES;
    this.suppressions = options.suppressions ?? [];
    this.modes = options.modes ?? {};
    validateRules(this.rules);
    validateSuppressions(this.suppressions, this.rules);
  }

  visit(node: IConstruct): void {
    this.visited = true;
    if (!isCheckedElement(node)) return;
    const stack = TerraformStack.of(node);
    if (this.stack && this.stack !== stack) {
      throw new Error(
        `PolicyAspect: visited ${stack.node.path} after ${this.stack.node.path} (add one PolicyAspect per stack: findings name resources by their path in the stack)`,
      );
    }
    this.stack = stack;
    this.elements.add(node);
    // A later synthesis may see changed configuration: evaluate again on the next read.
    this.evaluated = undefined;
    this.synthesized = undefined;
  }

  /**
   * The stack's JSON exactly as this synthesis resolved it (the stack's toTerraform() result),
   * so the rules read it instead of resolving the stack a second time. Rules only read it.
   */
  useSynthesized(json: any): void {
    this.synthesized = json;
    this.evaluated = undefined;
  }

  /** Every violation (suppressed ones carry their reason), most severe first. */
  findings(): Finding[] {
    if (!this.visited) {
      throw new Error("PolicyAspect: findings() before synthesis (add it with Aspects.of(stack).add(...) and synthesize the stack first)");
    }
    this.evaluated ??= this.evaluate();
    return this.evaluated.map((finding) => ({ ...finding }));
  }

  /** What must stop a deployment: high severity, not suppressed, in production. */
  blocking(): Finding[] {
    if (!this.production) return [];
    return this.findings().filter((finding) => finding.severity === "high" && finding.suppressedReason === undefined);
  }

  /** Suppressions that matched no finding: stale configuration that should be removed. */
  unusedSuppressions(): Suppression[] {
    const findings = this.findings();
    return this.suppressions.filter(
      (suppression) => !findings.some((finding) => finding.rule === suppression.rule && finding.resource === suppression.resource),
    );
  }

  private evaluate(): Finding[] {
    if (!this.stack) return []; // visited, but the scope holds no Terraform blocks
    const stack = this.stack;
    const json = this.synthesized ?? stack.toTerraform();
    const all = stackBlocks(stack, json);
    const byAddress = new Map(all.map((resource) => [addressOf(resource), resource]));
    const subjects = [...this.elements]
      .map((element) => byAddress.get(elementAddress(element)))
      .filter((resource): resource is ResolvedResource => resource !== undefined);

    const findings: Finding[] = [];
    for (const rule of this.rules) {
      if (rule.productionOnly && !this.production) continue;
      for (const self of subjects) {
        if (!rule.resourceTypes.includes("*") && !rule.resourceTypes.includes(self.type)) continue;
        let detail: string | undefined;
        try {
          detail = rule.check(self.config, { all, self });
        } catch (error) {
          throw new Error(`PolicyAspect: rule ${rule.id} failed on ${self.path}: ${(error as Error).message}`);
        }
        if (detail === undefined) continue;
        const suppression = this.suppressions.find((entry) => entry.rule === rule.id && entry.resource === self.path);
        const moded = applyModes(this.modes, this.production, rule, detail, { self, all });
        findings.push({
          rule: rule.id,
          severity: moded.severity,
          resource: self.path,
          address: addressOf(self),
          title: rule.title,
          detail: moded.detail,
          fix: moded.fix,
          ...(suppression ? { suppressedReason: suppression.reason } : {}),
        });
      }
    }
    return findings.sort(
      (a, b) =>
        SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.rule.localeCompare(b.rule) || a.resource.localeCompare(b.resource),
    );
  }
}

function isCheckedElement(node: IConstruct): node is TerraformElement {
  return (
    TerraformResource.isTerraformResource(node) ||
    TerraformDataSource.isTerraformDataSource(node) ||
    TerraformProvider.isTerraformProvider(node)
  );
}

function providerLogicalId(name: string, alias: unknown): string {
  return typeof alias === "string" && alias !== "" ? `${name}.${alias}` : name;
}

/** The address a visited element has among stackBlocks(). */
function elementAddress(element: TerraformElement): string {
  if (TerraformProvider.isTerraformProvider(element)) {
    return `provider.${providerLogicalId(element.terraformResourceType, element.alias)}`;
  }
  const type = (element as TerraformResource | TerraformDataSource).terraformResourceType;
  const prefix = TerraformDataSource.isTerraformDataSource(element) ? "data." : "";
  return `${prefix}${type}.${element.friendlyUniqueId}`;
}

/** Every resource, data source and provider block of the synthesized stack. */
function stackBlocks(stack: TerraformStack, json: any): ResolvedResource[] {
  const relative = (path: string | undefined) => {
    const prefix = `${stack.node.path}/`;
    return path?.startsWith(prefix) ? path.slice(prefix.length) : (path ?? "");
  };
  const fromSection = (section: unknown, typePrefix = ""): ResolvedResource[] =>
    sectionBlocks(section, typePrefix).map(({ type, logicalId, config, constructPath }) => ({ type, logicalId, path: relative(constructPath), config }));
  const providerPaths = new Map(
    stack.node
      .findAll()
      .filter(TerraformProvider.isTerraformProvider)
      .map((provider) => [providerLogicalId(provider.terraformResourceType, provider.alias), relative(provider.node.path)]),
  );
  const providers = Object.entries(json.provider ?? {}).flatMap(([name, configs]) =>
    (configs as any[]).map((config) => {
      const logicalId = providerLogicalId(name, config.alias);
      return { type: "provider", logicalId, path: providerPaths.get(logicalId) ?? logicalId, config };
    }),
  );
  return [...fromSection(json.resource), ...fromSection(json.data, "data."), ...providers];
}

function validateRules(rules: PolicyRule[]): void {
  const seen = new Set<string>();
  rules.forEach((rule, index) => {
    if (!rule.id) throw new Error(`PolicyAspect: rules[${index}].id: is empty (a stable id such as AWS-EC2-IMDSV2)`);
    if (seen.has(rule.id)) throw new Error(`PolicyAspect: rules[${index}].id: ${rule.id} appears twice (rule ids are unique)`);
    seen.add(rule.id);
  });
}

function validateSuppressions(suppressions: Suppression[], rules: PolicyRule[]): void {
  const ids = rules.map((rule) => rule.id);
  const seen = new Set<string>();
  suppressions.forEach((suppression, index) => {
    const where = `PolicyAspect: suppressions[${index}]`;
    if (!ids.includes(suppression.rule)) {
      throw new Error(`${where}.rule: "${suppression.rule}" is not a rule id (one of ${ids.join(", ")})`);
    }
    if (!suppression.resource?.trim()) {
      throw new Error(`${where}.resource: is empty (the construct path relative to the stack, e.g. database/instance)`);
    }
    if (!suppression.reason?.trim()) {
      throw new Error(`${where}.reason: is empty (say why ${suppression.rule} is accepted on ${suppression.resource})`);
    }
    const key = `${suppression.rule} ${suppression.resource}`;
    if (seen.has(key)) {
      throw new Error(`${where}: ${suppression.rule} on ${suppression.resource} is suppressed twice (one suppression per rule and resource)`);
    }
    seen.add(key);
  });
}
