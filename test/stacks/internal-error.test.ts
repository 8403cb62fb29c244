/**
 * Only config problems and refused construct props are reported as the user's problem. Any other
 * exception during synthesis is a bug in this project and is reported as one.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PropsError } from "../../lib/errors";

const mockZoneFailure: { error?: Error } = {};
jest.mock("../../constructs/aws/dns-zone", () => {
  const actual = jest.requireActual("../../constructs/aws/dns-zone");
  return {
    ...actual,
    DnsZone: class extends actual.DnsZone {
      constructor(...args: any[]) {
        if (mockZoneFailure.error) throw mockZoneFailure.error;
        // eslint-disable-next-line @typescript-eslint/ban-ts-comment
        // @ts-ignore spread of the real constructor's parameters
        super(...args);
      }
    },
  };
});

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { main } = require("../../stacks/app") as typeof import("../../stacks/app");
const CONFIG = path.join(__dirname, "..", "..", "config");

function runMain(): { stderr: string; exitCode: number | undefined; outdir: string } {
  const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "internal-error-")), "out");
  let stderr = "";
  const write = jest.spyOn(process.stderr, "write").mockImplementation((chunk: any) => {
    stderr += String(chunk);
    return true;
  });
  const stdout = jest.spyOn(process.stdout, "write").mockImplementation(() => true);
  const previousExitCode = process.exitCode;
  process.exitCode = undefined;
  try {
    main(CONFIG, outdir);
    return { stderr, exitCode: process.exitCode as number | undefined, outdir };
  } finally {
    process.exitCode = previousExitCode;
    write.mockRestore();
    stdout.mockRestore();
  }
}

afterEach(() => {
  mockZoneFailure.error = undefined;
  delete process.env.INFRA_DEBUG;
});

test("a deliberate throw inside a construct is an internal error, not a config problem", () => {
  mockZoneFailure.error = new TypeError("Cannot read properties of undefined (reading 'zoneId')");
  const { stderr, exitCode, outdir } = runMain();
  expect(exitCode).toBe(1);
  expect(stderr.split("\n")[0]).toBe(
    "internal error, please report: Cannot read properties of undefined (reading 'zoneId') (set INFRA_DEBUG=1 for the stack trace)",
  );
  expect(stderr).not.toMatch(/config\/dev\.yaml/);
  expect(stderr).not.toMatch(/problem\(s\)/);
  expect(fs.existsSync(outdir)).toBe(false);
});

test("with INFRA_DEBUG the internal error carries its stack", () => {
  process.env.INFRA_DEBUG = "1";
  mockZoneFailure.error = new Error("boom");
  const { stderr } = runMain();
  expect(stderr).toMatch(/^internal error, please report: boom\n/);
  expect(stderr).toMatch(/\n\s+at /);
});

test("props a construct refuses are reported against the environment file that produced them", () => {
  mockZoneFailure.error = new PropsError("DnsZone", "dns", "domainName", "is empty", "a DNS name");
  const { stderr, exitCode } = runMain();
  expect(exitCode).toBe(1);
  expect(stderr.split("\n")[0]).toBe(`${path.join(CONFIG, "dev.yaml")}: DnsZone 'dns': domainName: is empty (a DNS name)`);
  expect(stderr).not.toMatch(/internal error/);
});
