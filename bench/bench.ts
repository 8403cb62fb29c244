/**
 * `npm run bench`: speed and memory of synthesis, measured on the command `cdktf synth` runs (the
 * "app" in cdktf.json, as a shell command), with time budgets as ratios to a floor measured in the
 * same run (node loading cdktf and nothing else), so the verdict holds across machines.
 *
 *   npm run bench                 # floor, example stacks, 20 generated environments (40 stacks)
 *   npm run bench -- --tests      # also a cold `npm test` (type-check + jest, cache cleared), `npm run test:e2e`
 *                                 # and `npm run test:slow`
 *
 * Each figure is the median of RUNS runs; the commands take turns run by run, so a burst of
 * load on the machine hits the floor and the app alike. Peak memory is the largest peak RSS of
 * any node process the command started. Exits 1 when a figure is over its budget.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";

const ROOT = path.resolve(__dirname, "..");
const RUNS = 7;
const USAGE_PRELOAD = path.join(__dirname, "report-usage.cjs");
/** What `cdktf synth` runs. */
const APP_COMMAND: string = JSON.parse(fs.readFileSync(path.join(ROOT, "cdktf.json"), "utf8")).app;
const FLOOR_COMMAND = `node -e "require('cdktf')"`;

interface Sample {
  wallMs: number;
  /** Largest peak RSS of the node processes the command started; NaN when none reported. */
  maxRssMb: number;
}

/** Runs `command` in a shell once; every node process in it reports its peak RSS (report-usage.cjs). */
function runOnce(label: string, command: string, env: NodeJS.ProcessEnv = {}): Sample {
  const usageDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-usage-"));
  const nodeOptions = `${process.env.NODE_OPTIONS ?? ""} --require ${JSON.stringify(USAGE_PRELOAD)}`.trim();
  const started = process.hrtime.bigint();
  const result = spawnSync("sh", ["-c", command], {
    cwd: ROOT,
    env: { ...process.env, ...env, NODE_OPTIONS: nodeOptions, BENCH_USAGE_DIR: usageDir },
    encoding: "utf8",
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${label} (${command}) failed:\n${result.stderr}`);
  const peaks = fs.readdirSync(usageDir).map((file) => JSON.parse(fs.readFileSync(path.join(usageDir, file), "utf8")).maxRssKb / 1024);
  fs.rmSync(usageDir, { recursive: true, force: true });
  return { wallMs, maxRssMb: peaks.length > 0 ? Math.max(...peaks) : NaN };
}

interface Measurement {
  label: string;
  command: string;
  env?: NodeJS.ProcessEnv;
  /** Budget for the median wall time, as a multiple of the floor's median. */
  maxRatio?: number;
  maxRssMb?: number;
  samples: Sample[];
}

/** Runs every measurement RUNS times, taking turns; one untimed warm-up run each first. */
function measureAll(measurements: Measurement[]): void {
  for (const { label, command, env } of measurements) runOnce(label, command, env);
  for (let run = 0; run < RUNS; run++) {
    for (const measurement of measurements) measurement.samples.push(runOnce(measurement.label, measurement.command, measurement.env));
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
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

function main(): void {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-out-"));
  // A separate output directory: synthesis keeps stack directories it did not write.
  const generatedOutdir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-out-"));
  const config = generatedConfig(20);
  const floor: Measurement = { label: "floor: node + require('cdktf')", command: FLOOR_COMMAND, samples: [] };
  const measurements: Measurement[] = [
    floor,
    { label: "synth example stacks (4)", command: APP_COMMAND, env: { CDKTF_OUTDIR: outdir }, maxRatio: 5, maxRssMb: 300, samples: [] },
    {
      label: "synth 20 environments (40 stacks)",
      command: APP_COMMAND,
      env: { CDKTF_OUTDIR: generatedOutdir, INFRA_CONFIG_DIR: config },
      maxRatio: 15,
      maxRssMb: 300,
      samples: [],
    },
  ];
  measureAll(measurements);
  const stackCount = fs.readdirSync(path.join(generatedOutdir, "stacks")).length;
  // After a source change the app rebuilds its bundle first; what that costs (not budgeted:
  // it happens once per change, not once per synth). Dropping the build record forces it.
  fs.rmSync(path.join(ROOT, "node_modules", ".cache", "synth", "main.inputs.json"), { force: true });
  const rebuild: Measurement = { label: "synth examples after a source change (rebuild)", command: APP_COMMAND, env: { CDKTF_OUTDIR: outdir }, samples: [] };
  rebuild.samples.push(runOnce(rebuild.label, rebuild.command, rebuild.env));
  measurements.push(rebuild);

  if (process.argv.includes("--tests")) {
    spawnSync("npx", ["jest", "--clearCache"], { cwd: ROOT });
    measurements.push(timeSuite("test", "npm test (cold: jest cache cleared)", 300));
    // The end-to-end suite: programs run as child processes, each paying node and tsx start-up.
    measurements.push(timeSuite("test:e2e", "npm run test:e2e (programs as child processes)", 300));
    // The slow suite: offline terraform plans and day-2 transitions; mostly provider time.
    measurements.push(timeSuite("test:slow", "npm run test:slow (offline plans, day-2)", 900));
  }

  const floorMs = median(floor.samples.map((sample) => sample.wallMs));
  const rows = measurements.map(({ label, maxRatio, maxRssMb, samples }) => {
    const wallMs = median(samples.map((sample) => sample.wallMs));
    const rssMb = Math.max(...samples.map((sample) => sample.maxRssMb));
    const ratio = wallMs / floorMs;
    const ok = (maxRatio === undefined || ratio <= maxRatio) && (maxRssMb === undefined || rssMb <= maxRssMb);
    const budget = [maxRatio === undefined ? "" : `≤ ${maxRatio}×`, maxRssMb === undefined ? "" : `≤ ${maxRssMb} MB`].filter(Boolean).join(", ");
    return {
      ok,
      cells: [
        label,
        samples.length > 1 ? `${fmtMs(wallMs)} (${fmtMs(Math.min(...samples.map((sample) => sample.wallMs)))}–${fmtMs(Math.max(...samples.map((sample) => sample.wallMs)))})` : fmtMs(wallMs),
        `${ratio.toFixed(1)}×`,
        Number.isNaN(rssMb) ? "–" : `${rssMb.toFixed(0)} MB`,
        budget || "–",
        maxRatio === undefined && maxRssMb === undefined ? "" : ok ? "OK" : "OVER",
      ],
    };
  });

  console.log(`machine: ${os.cpus().length} cores, node ${process.version}; median of ${RUNS} runs (min–max), peak RSS = worst run`);
  console.log(`app (cdktf.json): ${APP_COMMAND}`);
  printTable(["measurement", "median", "× floor", "peak RSS", "budget", ""], rows.map((row) => row.cells));
  console.log(`(the 20-environment run wrote ${stackCount} stacks)`);
  fs.rmSync(outdir, { recursive: true, force: true });
  fs.rmSync(generatedOutdir, { recursive: true, force: true });
  fs.rmSync(config, { recursive: true, force: true });
  process.exitCode = rows.every((row) => row.ok) ? 0 : 1;
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column])).join("  ").trimEnd();
  console.log(line(header));
  console.log(line(widths.map((width) => "-".repeat(width))));
  for (const row of rows) console.log(line(row));
}

function fmtMs(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

/** One run of an npm test script, its wall time as the only sample. */
function timeSuite(script: string, label: string, maxRatio: number): Measurement {
  const started = process.hrtime.bigint();
  const result = spawnSync("npm", ["run", script, "--", "--silent"], { cwd: ROOT, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`npm run ${script} failed:\n${result.stderr}`);
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  return { label, command: `npm run ${script}`, maxRatio, samples: [{ wallMs, maxRssMb: NaN }] };
}

main();
