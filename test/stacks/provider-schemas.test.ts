/**
 * Every synthesized stack (both clouds, the config/ examples and the examples/<shape>/ stacks) against the real
 * schemas of the provider versions the bindings wrap (test/support/provider-schema.ts, schemas vendored under
 * test/fixtures/provider-schemas by scripts/vendor-provider-schemas.ts). Mutated copies of real stacks prove that each
 * kind of mistake is reported, with the message `terraform validate` users would need to find it.
 */
import * as fs from "fs";
import * as path from "path";
import { synthExampleStacks, synthScenarioStacks } from "../support/example-stacks";
import { PROVIDER_FOLDERS, SCHEMA_DIR, stackProblems, templateProblems } from "../support/provider-schema";

const stacks = Object.fromEntries(
  [...Object.entries(synthExampleStacks()), ...Object.entries(synthScenarioStacks())].map(([id, synth]) => [id, synth.json]),
);

/** A copy of a real stack, and the id of the first resource of a type in it. */
function mutable(stackId: string, type: string): { json: any; id: string; resource: any } {
  const json = structuredClone(stacks[stackId]);
  const id = Object.keys(json.resource[type])[0];
  return { json, id, resource: json.resource[type][id] };
}

describe("provider schemas: the vendored versions", () => {
  test.each(Object.entries(PROVIDER_FOLDERS))("%s: the vendored %s is the version the binding wraps, with its provider block", (name, folder) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const wrapped = require(`@cdktf/provider-${name}/package.json`).cdktf.provider;
    expect(wrapped.name).toBe(`registry.terraform.io/hashicorp/${name}`);
    expect(folder).toBe(`${name}-${wrapped.version}`);
    expect(fs.existsSync(path.join(SCHEMA_DIR, folder, "provider.json"))).toBe(true);
  });
});

describe("provider schemas: every synthesized stack", () => {
  test("there are the 4 example and 12 shape stacks, on both clouds", () => {
    expect(Object.keys(stacks)).toHaveLength(16);
    expect(Object.keys(stacks).filter((id) => id.includes("aws-"))).toHaveLength(8);
  });

  test.each(Object.keys(stacks))("%s validates against the provider schemas", (id) => {
    expect(stackProblems(stacks[id])).toEqual([]);
  });
});

describe("provider schemas: mutated copies of real stacks are reported", () => {
  test("an unknown argument", () => {
    const { json, id, resource } = mutable("aws-prod", "aws_vpc");
    resource.enable_dns_hostnamez = true;
    expect(stackProblems(json)).toEqual([`aws_vpc.${id}.enable_dns_hostnamez: no argument or block type is named "enable_dns_hostnamez"`]);
  });

  test("a literal of the wrong type", () => {
    const { json, id, resource } = mutable("aws-prod", "aws_autoscaling_group");
    resource.max_size = "many";
    resource.vpc_zone_identifier = "subnet-1";
    expect(stackProblems(json)).toEqual([`aws_autoscaling_group.${id}.max_size: expected a number`, `aws_autoscaling_group.${id}.vpc_zone_identifier: expected a set`]);
  });

  test("a missing required argument, and a missing required block", () => {
    const { json, id, resource } = mutable("gcp-prod", "google_compute_network");
    delete resource.name;
    const template = mutable("gcp-prod", "google_compute_instance_template");
    delete template.resource.disk;
    expect(stackProblems(json)).toEqual([`google_compute_network.${id}.name: is required`]);
    expect(stackProblems(template.json)).toEqual([`google_compute_instance_template.${template.id}.disk: at least 1 block(s) required`]);
  });

  test("too many nested blocks, and a computed-only argument set", () => {
    const { json, id, resource } = mutable("gcp-prod", "google_sql_database_instance");
    resource.settings = [resource.settings, resource.settings].flat();
    resource.self_link = "https://example.invalid";
    expect(stackProblems(json)).toEqual([
      `google_sql_database_instance.${id}.settings: at most 1 block(s) allowed`,
      `google_sql_database_instance.${id}.self_link: is computed only and cannot be set`,
    ]);
  });

  test("a reference to an attribute the type does not have, and to an undeclared resource", () => {
    const { json, id, resource } = mutable("aws-prod", "aws_subnet");
    const vpc = /aws_vpc\.([\w-]+)\.id/.exec(resource.vpc_id)![1];
    resource.vpc_id = `\${aws_vpc.${vpc}.vpc_idd}`;
    json.output.extra = { value: "${aws_vpc.missing_vpc.id}" };
    expect(stackProblems(json)).toEqual([
      `aws_subnet.${id}.vpc_id: refers to aws_vpc.${vpc}.vpc_idd, but aws_vpc has no attribute or block "vpc_idd"`,
      "output.extra.value: refers to aws_vpc.missing_vpc, which is not declared",
    ]);
  });

  test("an ignore_changes path and a depends_on target that do not exist", () => {
    const { json, id, resource } = mutable("gcp-prod", "google_sql_database_instance");
    resource.lifecycle = { ...resource.lifecycle, ignore_changes: ["settings[0].disk_sise", "settings[0].tier"] };
    resource.depends_on = ["google_compute_network.gone"];
    expect(stackProblems(json)).toEqual([
      `google_sql_database_instance.${id}.depends_on: "google_compute_network.gone" is not declared in this stack`,
      `google_sql_database_instance.${id}.lifecycle.ignore_changes: "settings[0].disk_sise" is not an argument or block of google_sql_database_instance`,
    ]);
  });

  test("an unescaped ${HOME in a metadata value; the escaped $${HOME} is fine", () => {
    const { json, id, resource } = mutable("gcp-prod", "google_compute_instance_template");
    resource.metadata["note"] = "cd ${HOME && ls";
    resource.metadata["escaped"] = "cd $${HOME} && echo %%{x}";
    expect(stackProblems(json)).toEqual([
      `google_compute_instance_template.${id}.metadata.note: unterminated template sequence "\${HOME && ls" (escape a literal one as $\${)`,
    ]);
    resource.metadata["note"] = "cd ${HOME}";
    expect(stackProblems(json)).toEqual([`google_compute_instance_template.${id}.metadata.note: "\${HOME}" is not a valid reference (escape a literal one as $\${HOME})`]);
  });

  test("an ephemeral block with an unknown argument, and an unconfigured provider alias", () => {
    const { json, id, resource } = mutable("gcp-prod", "google_compute_network");
    const password = Object.keys(json.ephemeral.random_password)[0];
    json.ephemeral.random_password[password].lenght = 12;
    resource.provider = "google.beta";
    expect(stackProblems(json)).toEqual([
      `google_compute_network.${id}.provider: no provider configuration "google.beta" in this stack`,
      `ephemeral.random_password.${password}.lenght: no argument or block type is named "lenght"`,
    ]);
  });

  test("a provider block argument that does not exist", () => {
    const json = structuredClone(stacks["aws-dev"]);
    json.provider.aws[0].regoin = "eu-west-1";
    expect(stackProblems(json)).toEqual(['provider.aws[0].regoin: no argument or block type is named "regoin"']);
  });
});

describe("provider schemas: template sequences", () => {
  test.each([
    ["plain text, $ and % alone", undefined],
    ["$${HOME} and %%{ if } are escapes", undefined],
    ['${jsonencode({"a" = "${var.x}", b = [1, 2]})}', undefined],
    ['${base64encode("echo $${USER}\\n\\"${local.x}\\"")}', undefined],
    ["%{ if var.on }yes%{ else }no%{ endif }", undefined],
    ["${ }", '"${ }" is not a valid template expression (escape a literal one as $${)'],
    ["${.x}", '"${.x}" is not a valid template expression (escape a literal one as $${)'],
    ["%{ when x }", '"%{ when x }" is not a valid template directive (escape a literal one as %%{)'],
    ['${upper("x}', 'unterminated quoted string in a template expression'],
    ["${a.b", 'unterminated template sequence "${a.b" (escape a literal one as $${)'],
  ])("%s", (text, problem) => {
    expect(templateProblems(text).problem).toBe(problem);
  });

  test("the expressions of nested templates are all collected, quoted text blanked", () => {
    expect(templateProblems('${format("%s", "${aws_vpc.a.id}")} ${aws_subnet.b.id}').expressions).toEqual(['aws_vpc.a.id', 'format("", "")', "aws_subnet.b.id"]);
  });
});
