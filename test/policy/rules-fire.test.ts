/**
 * Every rule fires on a minimal violating fixture, with the exact resource path and detail;
 * production-only rules stay silent on the same fixture outside production.
 */
import * as fs from "fs";
import * as path from "path";
import { ALL_RULES } from "../../policy/rules";
import { ANY_FIRING_CASES, LITERAL_SECRETS } from "./fixtures-any";
import { AWS_FIRING_CASES } from "./fixtures-aws";
import { GCP_FIRING_CASES } from "./fixtures-gcp";
import { FiringCase } from "./firing-case";
import { checkFixture, findingsOf, rule } from "./support";

const CASES: FiringCase[] = [...AWS_FIRING_CASES, ...GCP_FIRING_CASES, ...ANY_FIRING_CASES];

test("every rule has at least one firing fixture", () => {
  const covered = new Set(CASES.map((entry) => entry.rule));
  expect(ALL_RULES.map((entry) => entry.id).filter((id) => !covered.has(id))).toEqual([]);
  expect([...covered].filter((id) => !ALL_RULES.some((entry) => entry.id === id))).toEqual([]);
});

test.each(CASES.map((entry) => [entry.rule, entry.name, entry] as const))("%s fires: %s", (_id, _name, entry) => {
  const aspect = checkFixture(entry.cloud, entry.build, { production: entry.production });
  const definition = rule(entry.rule);
  expect(findingsOf(aspect, entry.rule)).toEqual([
    {
      rule: entry.rule,
      severity: definition.severity,
      resource: entry.resource,
      address: expect.stringMatching(new RegExp(`^${entry.type.replace(/\./g, "\\.")}\\.[A-Za-z0-9_.-]+$`)),
      title: definition.title,
      detail: entry.detail,
      fix: definition.fix,
    },
  ]);
  for (const secret of LITERAL_SECRETS) expect(JSON.stringify(aspect.findings())).not.toContain(secret);
});

const PRODUCTION_CASES = CASES.filter((entry) => rule(entry.rule).productionOnly);

test("the production-only rules are exactly the reliability ones", () => {
  expect(ALL_RULES.filter((entry) => entry.productionOnly).map((entry) => entry.id).sort()).toEqual([
    "AWS-ALB-DELETION-PROTECTION",
    "AWS-ASG-ELB-HEALTH-CHECK",
    "AWS-RDS-BACKUP-RETENTION",
    "AWS-RDS-DELETION-PROTECTION",
    "AWS-RDS-MULTI-AZ",
    "GCP-MIG-AUTOHEALING",
    "GCP-SQL-BACKUPS",
    "GCP-SQL-DELETION-PROTECTION",
    "GCP-SQL-REGIONAL",
  ]);
});

test.each(PRODUCTION_CASES.map((entry) => [entry.rule, entry.name, entry] as const))(
  "%s stays quiet outside production: %s",
  (_id, _name, entry) => {
    const aspect = checkFixture(entry.cloud, entry.build, { production: false });
    expect(findingsOf(aspect, entry.rule)).toEqual([]);
  },
);

test("policy/README.md documents every rule with its severity", () => {
  const readme = fs.readFileSync(path.join(__dirname, "..", "..", "policy", "README.md"), "utf8");
  for (const entry of ALL_RULES) {
    const severity = `${entry.severity}${entry.productionOnly ? " (production)" : ""}`;
    expect(readme).toContain(`| ${entry.id} | ${severity} |`);
  }
});
