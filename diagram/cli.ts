/**
 * `npm run diagram` = `node --import tsx diagram/cli.ts [--out diagrams] [--readme README.md]`
 *
 * Synthesizes every stack in memory from INFRA_CONFIG_DIR (default config/), writes one
 * `<out>/<stackId>.md` per stack and, with --readme, refreshes the section between the README's
 * diagram markers. Everything is computed before anything is written, so an error leaves the
 * files as they were. Exit code 0 on success, 1 on a config or README problem, 2 on bad usage.
 */
import * as fs from "fs";
import * as path from "path";
import { CliIo, parseCommandLine, processIo } from "../lib/cli-io";
import { ConfigError } from "../lib/errors";
import { loadEnvironments } from "../environment/load";
import { synthesizeStackJson } from "../stacks/synthesize";
import { counted } from "./graph";
import { DIAGRAM_KINDS, embedInReadme, GENERATED_NOTE, readmeSection, renderDiagrams } from "./mermaid";

export const USAGE = "usage: npm run diagram -- [--out <dir>] [--readme <README.md>]   (config from INFRA_CONFIG_DIR, default config/)";

/**
 * Runs the command on its arguments (without `node` and the script) and returns the exit code.
 * `synthesize` turns the config directory into stack JSON by id (tests hand in stacks they have).
 */
export function runDiagramCli(
  argv: string[],
  io: CliIo = processIo,
  configDir = process.env.INFRA_CONFIG_DIR ?? "config",
  synthesize: (configDir: string) => Record<string, any> = (dir) => synthesizeStackJson(loadEnvironments(dir)),
): number {
  const args = parseCommandLine("diagram", USAGE, io, {
    args: argv,
    options: { out: { type: "string" }, readme: { type: "string" }, help: { type: "boolean", short: "h" } },
    strict: true,
    allowPositionals: false,
  });
  if (typeof args === "number") return args;
  const { values } = args;
  const outDir = values.out ?? "diagrams";

  try {
    const stacks = synthesize(configDir);
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
      io.stdout(`updated ${values.readme} (${counted(Object.keys(documents).length, "stack")}, ${counted(Object.keys(documents).length * DIAGRAM_KINDS.length, "diagram")})`);
    }
    return 0;
  } catch (error) {
    const lines = error instanceof ConfigError ? error.lines : [`diagram: ${(error as Error).message}`];
    io.stderr(lines.join("\n"));
    if (error instanceof ConfigError) io.stderr(`${counted(lines.length, "problem")}; no diagram was written.`);
    return 1;
  }
}

if (require.main === module) {
  process.exitCode = runDiagramCli(process.argv.slice(2));
}
