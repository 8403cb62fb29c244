/**
 * `npm run diagram` = `node --import tsx diagram/cli.ts [--out diagrams] [--readme README.md]`
 *
 * Synthesizes every stack in memory from INFRA_CONFIG_DIR (default config/), writes one
 * `<out>/<stackId>.md` per stack and, with --readme, refreshes the section between the README's
 * diagram markers. Everything is computed before anything is written, so an error leaves the
 * files as they were. Exit code 0 on success, 1 on a config or README problem, 2 on bad usage.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs } from "util";
import { App, TerraformStack, Testing } from "cdktf";
import { ConfigError } from "../lib/errors";
import { loadEnvironments } from "../environment/load";
import { addEnvironmentStacks } from "../stacks/app";
import { embedInReadme, GENERATED_NOTE, readmeSection, renderDiagrams } from "./mermaid";

export { embedInReadme, readmeSection, renderDiagrams, stackDiagram } from "./mermaid";

export const USAGE = "usage: npm run diagram -- [--out <dir>] [--readme <README.md>]   (config from INFRA_CONFIG_DIR, default config/)";

export interface DiagramIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

const processIo: DiagramIo = {
  stdout: (text) => process.stdout.write(`${text}\n`),
  stderr: (text) => process.stderr.write(`${text}\n`),
};

/** Synthesized Terraform JSON of every stack of the environments in `configDir`, keyed by stack id. */
export function synthesizeStacks(configDir: string): Record<string, any> {
  const environments = loadEnvironments(configDir);
  // The App wants an output directory even though nothing is written to it here.
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "diagram-synth-"));
  try {
    const app = new App({ outdir, stackTraces: false });
    const ids = addEnvironmentStacks(app, environments);
    return Object.fromEntries(ids.map((id) => [id, JSON.parse(Testing.synth(app.node.findChild(id) as TerraformStack))]));
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** Runs the command on its arguments (without `node` and the script) and returns the exit code. */
export function runDiagramCli(
  argv: string[],
  io: DiagramIo = processIo,
  configDir = process.env.INFRA_CONFIG_DIR ?? "config",
): number {
  let values: { out?: string; readme?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { out: { type: "string" }, readme: { type: "string" }, help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    io.stderr(`diagram: ${(error as Error).message.split("\n")[0]}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  const outDir = values.out ?? "diagrams";

  try {
    const stacks = synthesizeStacks(configDir);
    const documents = renderDiagrams(stacks);
    let readme: string | undefined;
    if (values.readme !== undefined) {
      if (!fs.existsSync(values.readme)) throw new Error(`${values.readme}: file not found`);
      readme = embedInReadme(fs.readFileSync(values.readme, "utf8"), readmeSection(stacks));
    }

    fs.mkdirSync(outDir, { recursive: true });
    for (const [stackId, markdown] of Object.entries(documents)) {
      const file = path.join(outDir, `${stackId}.md`);
      fs.writeFileSync(file, markdown);
      io.stdout(`wrote ${file}`);
    }
    // A stack that no longer exists leaves a stale diagram: remove the ones this command generated.
    for (const file of fs.readdirSync(outDir).sort()) {
      const full = path.join(outDir, file);
      if (!file.endsWith(".md") || documents[file.slice(0, -3)] !== undefined) continue;
      if (fs.statSync(full).isFile() && fs.readFileSync(full, "utf8").includes(GENERATED_NOTE)) {
        fs.rmSync(full);
        io.stdout(`removed ${full} (no such stack any more)`);
      }
    }
    if (values.readme !== undefined && readme !== undefined) {
      fs.writeFileSync(values.readme, readme);
      io.stdout(`updated ${values.readme} (${Object.keys(documents).length} diagram(s))`);
    }
    return 0;
  } catch (error) {
    const lines = error instanceof ConfigError ? error.lines : [`diagram: ${(error as Error).message}`];
    io.stderr(lines.join("\n"));
    if (error instanceof ConfigError) io.stderr(`${lines.length} problem(s); no diagram was written.`);
    return 1;
  }
}

if (require.main === module) {
  process.exitCode = runDiagramCli(process.argv.slice(2));
}
