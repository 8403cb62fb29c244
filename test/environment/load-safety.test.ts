/**
 * Reading environment files fails closed (issue 12): hostile or broken YAML, bytes that are not
 * UTF-8, directories and wrong-typed values each give one line naming the file, and one file's
 * failure never hides another's problems.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ConfigError } from "../../lib/errors";
import { MAX_ALIAS_COUNT, firstInvalidUtf8Byte, loadEnvironments, parseEnvironment } from "../../environment/load";

const prodText = fs.readFileSync(path.join(__dirname, "..", "..", "config", "prod.yaml"), "utf8");

/** A fresh directory holding `files` (a Buffer or text per name; `null` makes a directory). */
function configDir(files: Record<string, string | Buffer | null>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "load-safety-"));
  for (const [name, content] of Object.entries(files)) {
    if (content === null) fs.mkdirSync(path.join(dir, name));
    else fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

/** The ConfigError lines loadEnvironments throws for a directory. */
function loadLines(dir: string): string[] {
  try {
    loadEnvironments(dir);
  } catch (error) {
    if (error instanceof ConfigError) return error.lines;
    throw error;
  }
  throw new Error(`${dir} loaded without problems`);
}

/** Problems parseEnvironment reports for prod.yaml's text after `edit`. */
function problemsOf(text: string): string[] {
  const result = parseEnvironment("prod", "config/prod.yaml", text);
  return "problems" in result ? result.problems.map((problem) => `config/prod.yaml: ${problem.path}: ${problem.message}`) : [];
}

/** Nine levels of nine aliases: 9^9 strings if expanded. */
function aliasBomb(): string {
  const levels = "abcdefghi".split("");
  return levels
    .map((level, index) => {
      const items = index === 0 ? Array(9).fill('"lol"') : Array(9).fill(`*${levels[index - 1]}`);
      return `${level}: &${level} [${items.join(", ")}]`;
    })
    .join("\n");
}

describe("YAML is read safely", () => {
  test("bytes that are not UTF-8 name the file and the byte offset", () => {
    const prefix = Buffer.from(prodText.slice(0, 60), "utf8");
    const dir = configDir({
      "prod.yaml": Buffer.concat([prefix, Buffer.from([0xff, 0xfe]), Buffer.from(prodText.slice(60), "utf8")]),
    });
    expect(loadLines(dir)).toEqual([
      `${path.join(dir, "prod.yaml")}: byte ${prefix.length}: is not UTF-8 (0xff) (save the file as UTF-8)`,
    ]);
  });

  test("the first byte outside a well-formed UTF-8 sequence is found", () => {
    expect(firstInvalidUtf8Byte(Buffer.from("aé€😀", "utf8"))).toBe(10);
    expect(firstInvalidUtf8Byte(Buffer.from([0x61, 0xc0, 0x80]))).toBe(1); // overlong
    expect(firstInvalidUtf8Byte(Buffer.from([0x61, 0x62, 0xed, 0xa0, 0x80]))).toBe(2); // surrogate
    expect(firstInvalidUtf8Byte(Buffer.from([0x61, 0xe2, 0x82]))).toBe(1); // cut short
    expect(firstInvalidUtf8Byte(Buffer.from([0xf4, 0x90, 0x80, 0x80]))).toBe(0); // above U+10FFFF
  });

  test("an alias bomb is refused, naming the file", () => {
    const started = Date.now();
    const dir = configDir({ "prod.yaml": aliasBomb() });
    expect(loadLines(dir)).toEqual([
      `${path.join(dir, "prod.yaml")}: (file): expands too many YAML aliases (at most ${MAX_ALIAS_COUNT}; write the values out)`,
    ]);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test("a directory named like an environment file gives one line naming it", () => {
    const dir = configDir({ "x.yaml": null });
    expect(loadLines(dir)).toEqual([
      `${path.join(dir, "x.yaml")}: (file): is a directory, not an environment file (rename or remove it)`,
    ]);
  });

  test("one file's failure never hides another's problems", () => {
    const dir = configDir({
      "a.yaml": Buffer.from([0x70, 0x72, 0x6f, 0x6a, 0x65, 0x63, 0x74, 0x3a, 0x20, 0xc3, 0x28]),
      "b.yaml": aliasBomb(),
      "c.yaml": null,
      "d.yaml": prodText.replace("project: web", "project: !custom web"),
      "e.yaml": prodText.replace("port: 8888", "port: 0"),
      "prod.yaml": prodText,
    });
    expect(loadLines(dir)).toEqual([
      `${path.join(dir, "a.yaml")}: byte 9: is not UTF-8 (0xc3) (save the file as UTF-8)`,
      `${path.join(dir, "b.yaml")}: (file): expands too many YAML aliases (at most ${MAX_ALIAS_COUNT}; write the values out)`,
      `${path.join(dir, "c.yaml")}: (file): is a directory, not an environment file (rename or remove it)`,
      `${path.join(dir, "d.yaml")}: line 3: unknown tag "!custom" (plain YAML only: remove the tag)`,
      `${path.join(dir, "e.yaml")}: services[2].port: must be a port between 1 and 65535`,
    ]);
  });
});

describe("wrong-typed values are reported as wrong, not missing", () => {
  // Each case: [what, [from, to] replacements in config/prod.yaml, the exact lines expected].
  test.each<[string, [string, string][], string[]]>([
    [
      "unknown tags are refused with their line, not read as strings",
      [
        ["project: web", "project: !custom web"],
        ["stage: production", "stage: !!python/object:os.system production"],
      ],
      [
        'config/prod.yaml: line 3: unknown tag "!custom" (plain YAML only: remove the tag)',
        'config/prod.yaml: line 4: unknown tag "!!python/object:os.system" (plain YAML only: remove the tag)',
      ],
    ],
    [
      "duplicate keys are refused",
      [["stage: production", "stage: production\nstage: development"]],
      ["config/prod.yaml: line 5: invalid YAML: Map keys must be unique"],
    ],
    [
      "a quoted port is a string",
      [["port: 3000", 'port: "3000"']],
      ['config/prod.yaml: services[0].port: "3000" is a string (expected a number)'],
    ],
    [
      "an empty or list value says what it is",
      [
        ["port: 3000", "port:"],
        ["port: 8888", "port: [8888]"],
      ],
      [
        "config/prod.yaml: services[0].port: is empty (expected a number)",
        "config/prod.yaml: services[2].port: is a list (expected a number)",
      ],
    ],
    [
      "an unquoted version that loses its .0 says to quote it",
      [['version: "8.4"', "version: 8.0"]],
      ['config/prod.yaml: database.version: 8 was read as a number; quote it: "8.0"'],
    ],
    ["a numeric version that reads back as written is accepted", [['version: "8.4"', "version: 8.4"]], []],
  ])("%s", (_what, replacements, expected) => {
    const text = replacements.reduce((edited, [from, to]) => edited.replace(from, to), prodText);
    expect(problemsOf(text)).toEqual(expected);
  });

  test("a 5 MB value gives one short line", () => {
    const huge = "x".repeat(5_000_000);
    expect(problemsOf(prodText.replace("port: 3000", `port: "${huge}"`))).toEqual([
      `config/prod.yaml: services[0].port: "${"x".repeat(40)}…" is a string (expected a number)`,
      // The cross-field checks quote the value too: clipped the same way.
      `config/prod.yaml: services[0].name: target group name "web-prod-api-${"x".repeat(
        27,
      )}…" is 5000013 characters (AWS allows 32; shorten the service name, project or environment)`,
    ]);
    const spaced = "y ".repeat(2_000_000);
    const lines = problemsOf(
      prodText.replace("stage: production", `stage: production\n? ${huge}\n: 1`).replace("path: /health", `path: "${spaced}"`),
    );
    expect(lines).toEqual([
      expect.stringMatching(/^config\/prod.yaml: x{40}…: unknown field \(allowed here: project, /),
      expect.stringMatching(/^config\/prod.yaml: services\[0\].healthCheck.path: .*"y y y .*…$/),
    ]);
    for (const line of lines) expect(line.length - "config/prod.yaml: ".length).toBeLessThanOrEqual(200);
  });
});
