/**
 * The schema's length limits (project ≤ 12, environment ≤ 12, service ≤ 20 characters) keep
 * every GCP name within 63 characters, which is why config validation only checks AWS's
 * 32-character load balancer names. This proves it with the longest names allowed.
 */
import * as fs from "fs";
import * as path from "path";
import { Testing } from "cdktf";
import { parse, stringify } from "yaml";
import { GCP_NAME as GCP_RESOURCE_NAME } from "../../constructs/gcp/limits";
import { addEnvironmentStacks } from "../../stacks/app";
import { parseEnvironment } from "../../environment/load";
import { EXAMPLE_CONFIG_DIR } from "../support/example-stacks";

/** Every resource name (`name`, `name_prefix`, `account_id`, `secret_id`), DNS records and SQL users aside. */
function names(json: any): string[] {
  const notResourceNames = new Set(["google_dns_record_set", "google_sql_user", "google_sql_database"]);
  return Object.entries(json.resource as Record<string, Record<string, any>>).flatMap(([type, resources]) =>
    notResourceNames.has(type) ? [] : Object.values(resources).flatMap((resource) =>
      ["name", "name_prefix", "account_id", "secret_id"]
        .map((key) => resource[key])
        .filter((value): value is string => typeof value === "string" && !value.includes("${")),
    ),
  );
}

test("the longest project, environment and service names still give valid GCP names", () => {
  const spec = parse(fs.readFileSync(path.join(EXAMPLE_CONFIG_DIR, "prod.yaml"), "utf8"));
  delete spec.aws; // AWS's 32-character limit is validated separately (see test/spec)
  spec.project = "p".repeat(12);
  spec.services[0].name = `s${"-x".repeat(9)}9`; // 20 characters, hyphens included
  const environment = "e".repeat(12);
  const result = parseEnvironment(environment, "config/long.yaml", stringify(spec));
  if (!("environment" in result)) throw new Error(JSON.stringify(result.problems));

  const app = Testing.app();
  const [id] = addEnvironmentStacks(app, [result.environment]);
  const json = JSON.parse(Testing.synth(app.node.findChild(id) as any));
  const all = names(json);
  expect(all.length).toBeGreaterThan(20);
  for (const name of all) {
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name.replace(/-$/, "")).toMatch(GCP_RESOURCE_NAME); // name_prefix values end with "-" by design
  }
  expect(Math.max(...all.map((name) => name.length))).toBeGreaterThan(45); // the limits were really exercised
});
