import { Fn, Token } from "cdktf";
import { escapeFunctionArgument, escapeTemplate } from "../../lib/terraform-template";
import { renderAsTerraform, SAMPLE_VALUES, synthesizeValue, TRICKY } from "../support/stub-bin";

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
