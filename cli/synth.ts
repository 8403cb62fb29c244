/**
 * `npm run synth`: synthesize every stack into cdktf.out, as `cdktf synth` does, without the
 * cdktf CLI. The CLI adds ~4 s, calls HashiCorp's checkpoint service unless told not to, redraws
 * a spinner with ANSI codes even into a pipe or CI log, prints each config problem twice (the
 * app's stderr, then again inside its own error) and never says where the files went.
 *
 * Here the app command from cdktf.json (bin/synth.cjs: type-check, bundle, synthesize) runs
 * directly, with the environment the cdktf CLI gives it, so cdktf.out/manifest.json and
 * stacks/<id>/cdk.tf.json come out byte for byte as `cdktf synth` writes them; stack
 * directories the manifest no longer lists are removed, as cdktf does. Its output passes through
 * untouched (policy reports; problems once each, one line per problem), then one line per stack
 * and the next step. The same plain text in a terminal and in a pipe: nothing to redraw.
 *
 *   npm run synth                       # into cdktf.out (cdktf.json "output" if set)
 *   npm run synth -- --output <dir>     # elsewhere, like `cdktf synth --output`
 *
 * Exit codes: 0 synthesized; 1 a config problem, type error or failed synthesis (already
 * printed, nothing written); 2 bad usage.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { CliIo, firstLine, parseCommandLine, processIo } from "../lib/cli-io";
import { environmentOf, readStacks, stackLines, StackSummary } from "./stacks";

export const ROOT = path.resolve(__dirname, "..");

const USAGE = "usage: npm run synth [-- --output <dir>]";

interface CdktfConfig {
  app: string;
  output?: string;
  terraformModules?: (string | { source: string })[];
}

function readCdktfConfig(root: string): CdktfConfig {
  return JSON.parse(fs.readFileSync(path.join(root, "cdktf.json"), "utf8"));
}

/** Where synthesis writes unless told otherwise: cdktf.json's "output", else cdktf's default. */
export function defaultOutdir(root = ROOT): string {
  return readCdktfConfig(root).output ?? "cdktf.out";
}

/**
 * The environment `cdktf synth` (cdktf-cli 0.21, @cdktf/cli-core lib/synth-stack.js) runs the app
 * with: no TF_VAR_* (they are for apply time), the output directory, cdktf's context with the
 * relative Terraform modules, HCL output off, and a 4 GiB heap unless NODE_OPTIONS says otherwise.
 */
export function appEnvironment(config: CdktfConfig, outdir: string, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const kept = Object.fromEntries(Object.entries(env).filter(([key]) => !key.startsWith("TF_VAR_")));
  const relativeModules = (config.terraformModules ?? []).filter((module) => {
    const source = typeof module === "string" ? module : module.source;
    return source.startsWith("./") || source.startsWith("../");
  });
  const context = env.CDKTF_CONTEXT_JSON ? JSON.parse(env.CDKTF_CONTEXT_JSON) : {};
  return {
    ...kept,
    CHECKPOINT_DISABLE: "1",
    NODE_OPTIONS: env.NODE_OPTIONS || "--max-old-space-size=4096",
    CDKTF_OUTDIR: outdir,
    CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: "true",
    CDKTF_CONTEXT_JSON: JSON.stringify({ ...context, cdktfRelativeModules: relativeModules }),
    SYNTH_HCL_OUTPUT: "false",
  };
}

function stackDirectories(outdir: string): string[] {
  try {
    return fs
      .readdirSync(path.join(outdir, "stacks"), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
  } catch {
    return [];
  }
}

export type SynthResult = { status: 0; stacks: StackSummary[] } | { status: number; stacks?: undefined };

/**
 * Runs the app into `outdir` (relative to `root`, as cdktf passes it). The app prints its own
 * problems; a failure returns its exit status with `outdir` untouched (the app stages its output).
 */
export function synthesize(options: { root?: string; outdir?: string; env?: NodeJS.ProcessEnv; io?: CliIo } = {}): SynthResult {
  const root = options.root ?? ROOT;
  const io = options.io ?? processIo;
  const config = readCdktfConfig(root);
  const outdir = options.outdir ?? config.output ?? "cdktf.out";
  const absoluteOutdir = path.resolve(root, outdir);
  const before = stackDirectories(absoluteOutdir);
  const result = spawnSync("sh", ["-c", config.app], { cwd: root, env: appEnvironment(config, outdir, options.env ?? process.env), stdio: "inherit" });
  if (result.error) {
    io.stderr(`synth: could not run the app (${config.app}): ${firstLine(result.error)}`);
    return { status: 1 };
  }
  if (result.status !== 0) return { status: result.status ?? 1 };
  let stacks: StackSummary[];
  try {
    stacks = readStacks(absoluteOutdir);
  } catch (error) {
    io.stderr(`synth: the app exited 0 but its output cannot be read: ${firstLine(error)}`);
    return { status: 1 };
  }
  for (const orphan of before.filter((dir) => !stacks.some((stack) => stack.id === dir))) {
    fs.rmSync(path.join(absoluteOutdir, "stacks", orphan), { recursive: true, force: true });
  }
  return { status: 0, stacks };
}

/** `npm run synth`: synthesize, then one line per stack and the next step. Returns the exit code. */
export function runSynth(argv: string[], io: CliIo = processIo, env: NodeJS.ProcessEnv = process.env): number {
  const parsed = parseCommandLine("synth", USAGE, io, {
    args: argv,
    options: { output: { type: "string", short: "o" }, help: { type: "boolean", short: "h" } },
    allowPositionals: false,
  });
  if (typeof parsed === "number") return parsed;
  const result = synthesize({ outdir: parsed.values.output, env, io });
  if (result.stacks === undefined) return result.status;
  if (result.stacks.length === 0) {
    io.stderr(`synth: no stacks: ${env.INFRA_CONFIG_DIR ?? "config"}/ has no environment file with an aws or gcp section`);
    return 1;
  }
  for (const line of stackLines(result.stacks)) io.stdout(line);
  const first = result.stacks[0].id;
  io.stdout(`next: npm run diff -- ${first}  (a stack, or an environment: every stack of ${environmentOf(first)})`);
  return 0;
}

if (require.main === module) {
  try {
    process.exitCode = runSynth(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`synth: internal error, please report: ${firstLine(error)}\n`);
    process.exitCode = 1;
  }
}
