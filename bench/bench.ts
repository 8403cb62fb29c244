/**
 * `npm run bench`: speed and memory budgets of synthesis, as ratios to a floor measured in
 * the same run (node loading cdktf and nothing else), so figures compare across machines.
 *
 *   npm run bench                 # floor, example stacks, 40 generated stacks
 *   npm run bench -- --tests      # also a cold `npm test` (type-check + jest, cache cleared)
 *
 * Exits 1 when a figure is over its budget.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";

const ROOT = path.resolve(__dirname, "..");
const RUNS = 5;
const USAGE_PRELOAD = path.join(__dirname, "report-usage.cjs");

interface Sample {
  wallMs: number;
  maxRssMb: number;
}

/** Runs `node <args>` RUNS times and keeps the fastest run (least disturbed by other load). */
function measure(label: string, args: string[], env: NodeJS.ProcessEnv = {}): Sample {
  const samples: Sample[] = [];
  for (let run = 0; run < RUNS; run++) {
    const usageFile = path.join(os.tmpdir(), `bench-usage-${process.pid}-${run}.json`);
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, ["--require", USAGE_PRELOAD, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env, BENCH_USAGE_FILE: usageFile },
      encoding: "utf8",
    });
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    if (result.status !== 0) {
      throw new Error(`${label} failed:\n${result.stderr}`);
    }
    const usage = JSON.parse(fs.readFileSync(usageFile, "utf8"));
    fs.rmSync(usageFile);
    samples.push({ wallMs, maxRssMb: usage.maxRssKb / 1024 });
  }
  return samples.reduce((best, sample) => (sample.wallMs < best.wallMs ? sample : best));
}

/** A config directory with `count` environments cloned from the examples. */
function generatedConfig(count: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-config-"));
  const examples = ["dev", "prod"].map((name) => parse(fs.readFileSync(path.join(ROOT, "config", `${name}.yaml`), "utf8")));
  for (let index = 0; index < count; index++) {
    fs.writeFileSync(path.join(dir, `env${index}.yaml`), stringify(examples[index % examples.length]));
  }
  return dir;
}

interface Budget {
  label: string;
  sample: Sample;
  maxMs: number;
  maxRssMb?: number;
}

function main(): void {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-out-"));
  // The same program `cdktf synth` runs (cdktf.json "app"): the esbuild bundle of main.ts.
  const build = spawnSync("npm", ["run", "--silent", "build"], { cwd: ROOT, encoding: "utf8" });
  if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stderr}`);
  const app = [path.join(ROOT, ".build", "main.js")];
  const floor = measure("floor", ["-e", "require('cdktf')"]);
  const budgets: Budget[] = [
    { label: "synth example stacks", sample: measure("synth", app, { CDKTF_OUTDIR: outdir }), maxMs: 1000, maxRssMb: 300 },
  ];
  const config = generatedConfig(20);
  // A separate output directory: synthesis keeps stack directories it did not write.
  const generatedOutdir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-out-"));
  budgets.push({
    label: "synth 20 environments",
    sample: measure("synth-20", app, { CDKTF_OUTDIR: generatedOutdir, INFRA_CONFIG_DIR: config }),
    maxMs: 5000,
  });
  const stackCount = fs.readdirSync(path.join(generatedOutdir, "stacks")).length;
  fs.rmSync(generatedOutdir, { recursive: true, force: true });

  if (process.argv.includes("--tests")) {
    spawnSync("npx", ["jest", "--clearCache"], { cwd: ROOT });
    const started = Date.now();
    const result = spawnSync("npm", ["test", "--", "--silent"], { cwd: ROOT, encoding: "utf8" });
    if (result.status !== 0) throw new Error(`npm test failed:\n${result.stderr}`);
    budgets.push({ label: "npm test (cold: jest cache cleared)", sample: { wallMs: Date.now() - started, maxRssMb: NaN }, maxMs: 60000 });
  }

  const cores = os.cpus().length;
  console.log(`machine: ${cores} cores, node ${process.version}; best of ${RUNS} runs`);
  console.log(`floor (node + require('cdktf')): ${fmtMs(floor.wallMs)}, ${floor.maxRssMb.toFixed(0)} MB`);
  let over = false;
  for (const { label, sample, maxMs, maxRssMb } of budgets) {
    const timeOk = sample.wallMs <= maxMs;
    const memoryOk = maxRssMb === undefined || sample.maxRssMb <= maxRssMb;
    over ||= !timeOk || !memoryOk;
    const memory = Number.isNaN(sample.maxRssMb)
      ? ""
      : `, peak ${sample.maxRssMb.toFixed(0)} MB (${(sample.maxRssMb / floor.maxRssMb).toFixed(1)}× floor)`;
    const budget = `budget ≤ ${fmtMs(maxMs)}${maxRssMb ? `, ≤ ${maxRssMb} MB` : ""}`;
    console.log(
      `${label}: ${fmtMs(sample.wallMs)} (${(sample.wallMs / floor.wallMs).toFixed(1)}× floor)${memory} — ${budget}: ${timeOk && memoryOk ? "OK" : "OVER"}`,
    );
  }
  console.log(`(the 20-environment run wrote ${stackCount} stacks)`);
  fs.rmSync(outdir, { recursive: true, force: true });
  fs.rmSync(config, { recursive: true, force: true });
  process.exitCode = over ? 1 : 0;
}

function fmtMs(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

main();
