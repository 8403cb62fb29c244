import { spawnSync } from "child_process";
import { mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { Fn, Token } from "cdktf";
import { escapeFunctionArgument, escapeTemplate } from "../../lib/terraform-template";
import { renderAsTerraform, SAMPLE_VALUES, synthesizeValue } from "../support/stub-bin";

const TRICKY = 'HOME=${HOME} directive=%{x} escaped=$${x} double=%%{y} quote=" backslash=\\ tab=\t newline=\n end';

describe("escapeTemplate", () => {
  it("escapes interpolations and directives", () => {
    expect(escapeTemplate("a ${b} %{c} d")).toBe("a $${b} %%{c} d");
    expect(escapeTemplate("$${x} %%{y}")).toBe("$$${x} %%%{y}");
  });

  it("leaves text without template sequences alone", () => {
    const plain = 'echo "$HOME" $1 %s 100% $((1 + 2)) \\ {}';
    expect(escapeTemplate(plain)).toBe(plain);
  });

  it("keeps token placeholders, from Token.asString and from Fn, as references", () => {
    const token = Token.asString({ resolve: () => "x" });
    const call = Fn.upper("a");
    const escaped = escapeTemplate(`\${A} ${token} %{B} ${call}`);
    expect(escaped).toBe(`$\${A} ${token} %%{B} ${call}`);
    expect(Token.isUnresolved(escaped)).toBe(true);
  });

  it("refuses a literal dollar sign right before a token", () => {
    expect(() => escapeTemplate(`price$${Fn.upper("a")}`)).toThrow(/literal "\$" directly before a cdktf token/);
  });

  it("round-trips through a plain attribute: Terraform gives back the text and fills in the references", () => {
    const raw = synthesizeValue(({ dbHost }) => escapeTemplate(TRICKY) + dbHost);
    expect(renderAsTerraform(raw, SAMPLE_VALUES)).toBe(TRICKY + SAMPLE_VALUES["var.db_host"]);
  });
});

describe("escapeFunctionArgument", () => {
  it("escapes backslashes, double quotes and directives, but not interpolations (cdktf does those)", () => {
    expect(escapeFunctionArgument('a "b" \\ ${c} %{d}')).toBe('a \\"b\\" \\\\ ${c} %%{d}');
  });

  it("round-trips through Fn.base64encode, token placeholders included", () => {
    const raw = synthesizeValue(({ dbHost, region }) => Fn.base64encode(escapeFunctionArgument(TRICKY) + dbHost + " " + region));
    expect(raw).toMatch(/^\$\{base64encode\(".*"\)\}$/s);
    const decoded = Buffer.from(renderAsTerraform(raw, SAMPLE_VALUES), "base64").toString("utf8");
    expect(decoded).toBe(`${TRICKY}${SAMPLE_VALUES["var.db_host"]} ${SAMPLE_VALUES["lower(var.region)"]}`);
  });

  it("is what Fn.base64encode needs: unescaped text is refused or comes back changed", () => {
    expect(() => synthesizeValue(() => Fn.base64encode('say "hi"'))).toThrow(/unescaped double quotes/);
    const doubled = synthesizeValue(() => Fn.base64encode(escapeTemplate("${HOME}")));
    expect(Buffer.from(renderAsTerraform(doubled, SAMPLE_VALUES), "base64").toString("utf8")).toBe("$${HOME}");
  });
});

// The simulation above is only as good as its model of Terraform: check it against the real one.
const terraform = spawnSync("terraform", ["version"], { encoding: "utf8" }).status === 0;
(terraform ? it : it.skip)("the simulated Terraform agrees with terraform apply (skipped without terraform on PATH)", () => {
  const plain = synthesizeValue(({ dbHost, region }) => escapeTemplate(TRICKY) + dbHost + region);
  const encoded = synthesizeValue(({ secretId }) => Fn.base64encode(escapeFunctionArgument(TRICKY) + secretId));
  const dir = mkdtempSync(join(tmpdir(), "tf-template-"));
  const names = { db_host: "var.db_host", secret_id: "var.secret_id" };
  writeFileSync(
    join(dir, "main.tf.json"),
    JSON.stringify({
      variable: {
        ...Object.fromEntries(Object.entries(names).map(([name, ref]) => [name, { type: "string", default: SAMPLE_VALUES[ref] }])),
        region: { type: "string", default: SAMPLE_VALUES["lower(var.region)"].toUpperCase() },
      },
      output: { plain: { value: plain }, encoded: { value: encoded } },
    }),
  );
  const run = (...args: string[]) => {
    const result = spawnSync("terraform", args, { cwd: dir, encoding: "utf8", env: { ...process.env, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" } });
    if (result.status !== 0) throw new Error(`terraform ${args.join(" ")}: ${result.stderr}`);
    return result.stdout;
  };
  run("init", "-input=false", "-backend=false");
  run("apply", "-input=false", "-auto-approve", "-state", join(dir, "state.json"));
  const outputs = JSON.parse(run("output", "-json", "-state", join(dir, "state.json")));
  expect(outputs.plain.value).toBe(renderAsTerraform(plain, SAMPLE_VALUES));
  expect(outputs.encoded.value).toBe(renderAsTerraform(encoded, SAMPLE_VALUES));
}, 60_000);
