/**
 * Runs a generated boot script for real: bash, with stub executables first on PATH that record
 * their arguments, after the Terraform step that turns the synthesized string into the text an
 * instance receives.
 */
import { spawnSync } from "child_process";
import { Fn, TerraformOutput, TerraformStack, TerraformVariable, Testing } from "cdktf";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";

export const INSTANCE_ID = "i-0123456789abcdef0";
export const ECR_PASSWORD = "ecr-password-from-stub";

// Each call appends one line: the command's name and its arguments, separated by tabs. One write,
// so the two ends of a pipe (aws | docker login) cannot interleave their lines.
const RECORD = `line=$(basename "$0"); for a in "$@"; do line+=$'\\t'"$a"; done; printf '%s\\n' "$line" >> "$STUB_LOG"`;

const STUBS: Record<string, string> = {
  docker: `
case "$1" in
  login) printf 'login-stdin\\t%s\\n' "$(cat)" >> "$STUB_LOG" ;;
  pull)
    if [ -n "\${STUB_PULL_FAILURES:-}" ] && [ "$(cat "$STUB_DIR/pull-failures" 2>/dev/null || echo 0)" -lt "$STUB_PULL_FAILURES" ]; then
      echo $(( $(cat "$STUB_DIR/pull-failures" 2>/dev/null || echo 0) + 1 )) > "$STUB_DIR/pull-failures"
      echo "stub: pull failed" >&2; exit 1
    fi ;;
  container) [ -n "\${STUB_EXISTING_CONTAINER:-}" ] || exit 1 ;;
esac`,
  aws: `[ "$1 $2" = "ecr get-login-password" ] && echo "${ECR_PASSWORD}"; exit 0`,
  curl: `case "$*" in *api/token*) echo "imds-token" ;; *meta-data/instance-id*) echo "${INSTANCE_ID}" ;; *) exit 22 ;; esac`,
  "docker-credential-gcr": "exit 0",
  systemctl: "exit 0",
  sleep: "exit 0",
  // Installing the CLI makes the stub that was left out appear.
  dnf: `case "$*" in *awscli-2*) [ ! -f "$STUB_DIR/absent/aws" ] || mv "$STUB_DIR/absent/aws" "$(dirname "$0")/aws" ;; esac`,
};

export interface ScriptRun {
  readonly status: number | null;
  readonly stderr: string;
  /** One entry per stub call: [command, ...arguments]. */
  readonly calls: string[][];
  /** The calls of one command, without its name. */
  callsOf(command: string): string[][];
  /** The directory the script keeps its state in (CONTAINER_BOOT_DIR). */
  readonly stateDir: string;
}

export interface RunOptions {
  /** How many `docker pull` calls fail before one succeeds. */
  readonly pullFailures?: number;
  /** `docker container inspect` finds a container of that name. */
  readonly existingContainer?: boolean;
  /** Stubs to leave out (e.g. `aws`, to see the script install the CLI). */
  readonly without?: readonly string[];
}

export function runBootScript(script: string, options: RunOptions = {}): ScriptRun {
  const dir = mkdtempSync(join(tmpdir(), "boot-script-"));
  const bin = join(dir, "bin");
  const stateDir = join(dir, "state");
  mkdirSync(bin);
  mkdirSync(join(dir, "absent"));
  for (const [name, body] of Object.entries(STUBS)) {
    const path = join(options.without?.includes(name) ? join(dir, "absent") : bin, name);
    writeFileSync(path, `#!/bin/bash\n${RECORD}\n${body}\n`);
    chmodSync(path, 0o755);
  }
  const log = join(dir, "calls.log");
  writeFileSync(log, "");
  writeFileSync(join(dir, "script.sh"), script);
  const result = spawnSync("bash", [join(dir, "script.sh")], {
    encoding: "utf8",
    env: {
      // Only the stubs and the basic tools: a real docker or aws on the test machine is never reached.
      PATH: `${bin}:/usr/bin:/bin`,
      HOME: join(dir, "home"),
      CONTAINER_BOOT_DIR: stateDir,
      STUB_LOG: log,
      STUB_DIR: dir,
      STUB_PULL_FAILURES: String(options.pullFailures ?? ""),
      STUB_EXISTING_CONTAINER: options.existingContainer ? "1" : "",
    },
  });
  const calls = readFileSync(log, "utf8").split("\n").filter(Boolean).map((line) => line.split("\t"));
  return {
    status: result.status,
    stderr: result.stderr,
    calls,
    callsOf: (command) => calls.filter((call) => call[0] === command).map((call) => call.slice(1)),
    stateDir,
  };
}

/** runBootScript, failing the test with the script's output when it exits non-zero. */
export function bootSucceeds(script: string, options: RunOptions = {}): ScriptRun {
  const result = runBootScript(script, options);
  if (result.status !== 0) throw new Error(`boot script failed (${result.status}):\n${result.stderr}`);
  return result;
}

/**
 * What Terraform makes of a synthesized string: `$${` and `%%{` unescaped, `${…}` references
 * replaced from `values` (keyed by the expression, e.g. "var.db_host"), and `base64encode("…")`
 * evaluated with HCL's quoted-string escapes. Directives (`%{`) are not expected and fail.
 */
export function renderAsTerraform(text: string, values: Readonly<Record<string, string>>): string {
  return render(text, values, false);
}

function render(text: string, values: Readonly<Record<string, string>>, quoted: boolean): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    if (quoted && text[i] === "\\") {
      const next = text[i + 1];
      out += next === "n" ? "\n" : next === "t" ? "\t" : next === "r" ? "\r" : next;
      i += 2;
    } else if (text.startsWith("$${", i) || text.startsWith("%%{", i)) {
      out += text[i] + "{";
      i += 3;
    } else if (text.startsWith("%{", i)) {
      throw new Error(`a Terraform directive at ${i}: ${text.slice(i, i + 30)}`);
    } else if (text.startsWith("${", i)) {
      const end = closingBrace(text, i + 2);
      out += evaluate(text.slice(i + 2, end), values);
      i = end + 1;
    } else {
      out += text[i++];
    }
  }
  return out;
}

function evaluate(expression: string, values: Readonly<Record<string, string>>): string {
  if (expression in values) return values[expression];
  const call = /^base64encode\("([\s\S]*)"\)$/.exec(expression);
  if (call) return Buffer.from(render(call[1], values, true), "utf8").toString("base64");
  throw new Error(`no sample value for the Terraform expression ${expression}`);
}

/** The index of the "}" that closes an interpolation, skipping quoted strings inside it. */
function closingBrace(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === "\\") i++;
    } else if (c === "{") depth++;
    else if (c === "}") {
      if (depth === 0) return i;
      depth--;
    }
  }
  throw new Error(`unclosed interpolation: ${text.slice(from - 2, from + 40)}`);
}

/** Text with everything Terraform's template syntax treats specially, and the characters JSON escapes. */
export const TRICKY = 'HOME=${HOME} directive=%{x} escaped=$${x} double=%%{y} quote=" backslash=\\ tab=\t newline=\n end';

/** Values Terraform would give the sample references at apply. */
export const SAMPLE_VALUES: Readonly<Record<string, string>> = {
  "var.db_host": "db-1.abc123.eu-west-1.rds.amazonaws.com",
  "var.secret_id": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:app-db-AbCdEf",
  "lower(var.region)": "eu-west-1",
};

export interface SampleTokens {
  readonly dbHost: string;
  readonly secretId: string;
  /** A token from a Terraform function call (Fn). */
  readonly region: string;
}

/**
 * Synthesizes `build(tokens)` as an output value of a throwaway stack, with tokens that resolve
 * to Terraform variables, and returns the JSON string Terraform would read.
 */
export function synthesizeValue(build: (tokens: SampleTokens) => string): string {
  const stack = new TerraformStack(Testing.app(), "boot");
  const variable = (id: string) => new TerraformVariable(stack, id, { type: "string" }).stringValue;
  const value = build({ dbHost: variable("db_host"), secretId: variable("secret_id"), region: Fn.lower(variable("region")) });
  new TerraformOutput(stack, "value", { value });
  return JSON.parse(Testing.synth(stack)).output.value.value;
}
