import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EXIT_BAD_INPUT, firstLine, InputError, parseCommandLine, readText } from "../../lib/cli-io";

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (text: string) => out.push(text), stderr: (text: string) => err.push(text) } };
}

describe("readText", () => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "cli-io-"));
  afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

  test("reads the file as UTF-8", () => {
    const file = path.join(scratch, "plan.json");
    fs.writeFileSync(file, "{ \"é\": 1 }\n");
    expect(readText(file)).toBe("{ \"é\": 1 }\n");
  });

  test.each([
    ["missing.json", "file not found"],
    [".", "is a directory, not a file"],
  ])("%s: an InputError naming the file and what is wrong", (name, problem) => {
    const file = path.join(scratch, name);
    expect(() => readText(file)).toThrow(InputError);
    expect(() => readText(file)).toThrow(`${file}: cannot read: ${problem}`);
  });
});

describe("firstLine", () => {
  test("the first line of a message, trimmed", () => {
    expect(firstLine(new Error("  Unexpected token } \n    at JSON.parse"))).toBe("Unexpected token }");
  });

  test("errors from another realm and thrown non-errors", () => {
    expect(firstLine({ message: "from a sandbox\nsecond" })).toBe("from a sandbox");
    expect(firstLine("plain text")).toBe("plain text");
    expect(firstLine(42)).toBe("42");
  });
});

describe("parseCommandLine", () => {
  const options = { out: { type: "string" }, help: { type: "boolean", short: "h" } } as const;
  const parse = (args: string[], allowPositionals = false) => {
    const { out, err, io } = capture();
    const result = parseCommandLine("tool", "usage: tool [--out <dir>]", io, { args, options, allowPositionals, strict: true });
    return { result, out, err };
  };

  test("returns the parsed values and positionals", () => {
    const { result, out, err } = parse(["--out", "dir", "file.json"], true);
    expect(result).toEqual({ values: { out: "dir" }, positionals: ["file.json"] });
    expect([out, err]).toEqual([[], []]);
  });

  test("--help: the usage on stdout, exit 0", () => {
    expect(parse(["-h"])).toEqual({ result: 0, out: ["usage: tool [--out <dir>]"], err: [] });
  });

  test("bad usage: one line and the usage on stderr, without parseArgs' note about --", () => {
    const { result, out, err } = parse(["--nope"], true);
    expect(result).toBe(EXIT_BAD_INPUT);
    expect(out).toEqual([]);
    expect(err).toEqual(["tool: Unknown option '--nope'\nusage: tool [--out <dir>]"]);
  });
});
