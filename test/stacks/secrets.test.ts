/**
 * Issue 11 (part 3) on every example and deployment-shape stack: no secret is ever in Terraform state or plans.
 * Generated passwords are ephemeral (never a managed random_password), reach resources only through write-only
 * arguments, and nothing that Terraform stores or prints (outputs, instance metadata, user data) refers to them.
 * Every stack declares the Terraform version that write-only arguments need.
 */
import { REQUIRED_TERRAFORM_VERSION } from "../../lib/terraform-version";
import { synthExampleStacks, synthScenarioStacks } from "../support/example-stacks";
import { schemaProblems } from "../support/provider-schema";
import { Synthesized } from "../support/synth";

const stacks: Record<string, Synthesized> = { ...synthExampleStacks(), ...synthScenarioStacks() };
const ids = Object.keys(stacks);
const gcpIds = ids.filter((id) => /(^|\/)gcp-/.test(id));
const awsIds = ids.filter((id) => /(^|\/)aws-/.test(id));

/** Arguments that would store a secret in state (and print it in plan JSON) whenever they carry a value. */
const STORED_SECRET_ARGUMENTS = /^(password|master_password|secret_data|secret_string|secret_binary|private_key)$/;
/** Anything that would carry a generated secret's value. */
const SECRET_VALUE = /random_password|\.result\b|secret_data|secret_string|\.password\b/;

/** Every [path, key, value] of the resources' arguments, at any depth ("//" metadata excluded). */
function resourceArguments(json: any): [string, string, unknown][] {
  const found: [string, string, unknown][] = [];
  const walk = (value: unknown, path: string): void => {
    if (Array.isArray(value)) value.forEach((item, index) => walk(item, `${path}[${index}]`));
    else if (value && typeof value === "object") {
      for (const [key, child] of Object.entries(value)) {
        if (key === "//") continue;
        found.push([`${path}.${key}`, key, child]);
        walk(child, `${path}.${key}`);
      }
    }
  };
  for (const [type, resources] of Object.entries<Record<string, unknown>>(json.resource ?? {})) {
    for (const [id, config] of Object.entries(resources)) walk(config, `${type}.${id}`);
  }
  return found;
}

/** A launch template's user data as the instance sees it (cdktf renders ${base64encode("…")}). */
function userData(template: any): string {
  const text = String(template.user_data ?? "");
  const wrapped = /^\$\{base64encode\("([\s\S]*)"\)\}$/.exec(text);
  if (wrapped) return JSON.parse(`"${wrapped[1]}"`);
  return /^[A-Za-z0-9+/=\s]+$/.test(text) && text.length > 0 ? Buffer.from(text, "base64").toString("utf8") : text;
}

test("covers the examples and every deployment shape, on both clouds", () => {
  expect(ids.length).toBeGreaterThan(4);
  expect(gcpIds.length).toBeGreaterThan(0);
  expect(awsIds.length).toBeGreaterThan(0);
  expect(gcpIds.length + awsIds.length).toBe(ids.length);
});

describe.each(ids)("%s", (id) => {
  const stack = stacks[id];
  const json = stack.json;

  it(`declares terraform.required_version ${REQUIRED_TERRAFORM_VERSION} (write-only arguments need 1.11)`, () => {
    expect(REQUIRED_TERRAFORM_VERSION).toBe(">= 1.11");
    expect(json.terraform.required_version).toBe(REQUIRED_TERRAFORM_VERSION);
  });

  it("has no managed random_password (its result would sit in state)", () => {
    expect(stack.resources("random_password")).toEqual({});
    expect(Object.keys(json.data ?? {})).not.toContain("random_password");
  });

  it("gives no resource a stored secret argument with a value", () => {
    const stored = resourceArguments(json).filter(([, key, value]) => STORED_SECRET_ARGUMENTS.test(key) && value !== null && value !== undefined);
    expect(stored.map(([path]) => path)).toEqual([]);
  });

  it("passes ephemeral values to write-only arguments only, each with its version", () => {
    const args = resourceArguments(json);
    for (const [path, key, value] of args) {
      if (typeof value === "string" && value.includes("ephemeral.")) {
        expect([path, key]).toEqual([path, expect.stringMatching(/_wo$/)]);
      }
    }
    for (const [path, key] of args.filter(([, key]) => key.endsWith("_wo"))) {
      const siblings = args.filter(([other]) => other === `${path}_version`);
      expect([path, siblings.length]).toEqual([path, 1]);
      expect([path, typeof siblings[0][2]]).toEqual([path, "number"]);
      expect(key).toMatch(/password_wo|secret_data_wo/);
    }
  });

  it("has no output, instance metadata or user data that holds or references a secret value", () => {
    const places: [string, string][] = [
      ...Object.entries(stack.outputs()).map(([name, output]) => [`output.${name}`, JSON.stringify(output)] as [string, string]),
      ...Object.entries(stack.resources("google_compute_instance_template")).map(
        ([name, template]: [string, any]) =>
          [`google_compute_instance_template.${name}`, JSON.stringify([template.metadata ?? {}, template.metadata_startup_script ?? ""])] as [string, string],
      ),
      ...Object.entries(stack.resources("aws_launch_template")).map(
        ([name, template]) => [`aws_launch_template.${name}`, userData(template)] as [string, string],
      ),
    ];
    for (const [where, text] of places) {
      expect([where, text]).not.toEqual([where, expect.stringMatching(SECRET_VALUE)]);
      expect([where, text]).not.toEqual([where, expect.stringContaining("ephemeral.")]);
    }
  });
});

describe.each(gcpIds)("%s (GCP)", (id) => {
  const stack = stacks[id];
  const json = stack.json;
  const users = Object.values(stack.resources("google_sql_user")) as any[];
  const versions = Object.values(stack.resources("google_secret_manager_secret_version")) as any[];

  it("sets the database user's password and its Secret Manager copy write-only, from one ephemeral draw and one version", () => {
    if (users.length === 0) {
      // No database: nothing generated, and no random provider needed for it.
      expect(json.ephemeral?.random_password).toBeUndefined();
      expect(versions).toEqual([]);
      return;
    }
    const names = Object.keys(json.ephemeral.random_password);
    expect(names).toHaveLength(users.length);
    expect(versions).toHaveLength(users.length);
    const reference = "${ephemeral.random_password." + names[0] + ".result}";
    for (const user of users) expect(user).toMatchObject({ password_wo: reference, password_wo_version: expect.any(Number) });
    for (const version of versions) {
      expect(version).toMatchObject({ secret_data_wo: reference, secret_data_wo_version: users[0].password_wo_version });
    }
    // The ephemeral resource needs its provider declared.
    expect(json.terraform.required_providers.random).toMatchObject({ source: "hashicorp/random" });
  });

  it("is valid against the vendored google 6.50.0 and random 3.7.2 schemas (ephemeral blocks included)", () => {
    expect(schemaProblems(json)).toEqual([]);
    expect(schemaProblems(json, "random-3.7.2", "random_")).toEqual([]);
  });
});

describe.each(awsIds)("%s (AWS)", (id) => {
  const stack = stacks[id];

  it("lets RDS manage the master password (manage_master_user_password, never password)", () => {
    for (const db of Object.values(stack.resources("aws_db_instance")) as any[]) {
      expect(db.manage_master_user_password).toBe(true);
      expect(db.password).toBeUndefined();
      expect(db.password_wo).toBeUndefined();
    }
    expect(stack.resources("aws_secretsmanager_secret_version")).toEqual({});
  });
});
