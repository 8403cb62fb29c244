/**
 * `node --import tsx scripts/ci/stack-matrix.ts [config-dir] >> "$GITHUB_OUTPUT"`
 *
 * The workflows' stack matrices, derived from the environment files the way synthesis derives the
 * stacks (stacks/app.ts), so adding `config/staging.yaml` adds its stacks to every workflow without
 * editing one: one stack per file and cloud section, id `<cloud>-<env>` (lib/naming.ts stackId), in
 * the order the app adds them. The directory defaults to synth's (INFRA_CONFIG_DIR, else config/).
 * Files are read through the project's loader, so a broken file fails here with synth's message.
 *
 * Prints one `<name>=<value>` line per output, each matrix a `{"include":[…]}` of
 * `{stack, cloud, environment, stage, config, region}`:
 *   matrix=             every stack (pull-request plans)
 *   development=        the development-stage stacks (deployed first)
 *   production=         the production-stage stacks (deployed after every development one)
 *   count=, development_count=, production_count=   how many; a job whose matrix would be empty
 *                      is skipped on these, as GitHub fails a run on an empty matrix
 * Exit code: 0 written, 1 a configuration problem (one line each), 2 usage.
 */
import { loadEnvironments } from "../../environment/load";
import { CLOUDS, Cloud, EnvironmentSpec } from "../../environment/schema";
import { stackId } from "../../lib/naming";
import { ConfigError } from "../../lib/errors";
import { CliIo, EXIT_BAD_INPUT, firstLine, parseCommandLine, processIo } from "../../lib/cli-io";

export const USAGE = [
  'usage: node --import tsx scripts/ci/stack-matrix.ts [config-dir] >> "$GITHUB_OUTPUT"   (default: INFRA_CONFIG_DIR, else config)',
  "Exit code: 0 written, 1 configuration problem, 2 usage.",
].join("\n");

export interface StackEntry {
  readonly stack: string;
  readonly cloud: Cloud;
  /** The environment's name: its file name without .yaml. */
  readonly environment: string;
  readonly stage: EnvironmentSpec["stage"];
  /** The environment file, for `npm run guard -- … --config <config>`. */
  readonly config: string;
  /** The cloud section's region: where the AWS credentials' STS endpoint is. */
  readonly region: string;
}

export function stackEntries(environments: readonly EnvironmentSpec[]): StackEntry[] {
  return environments.flatMap((environment) =>
    CLOUDS.flatMap((cloud) => {
      const section = environment[cloud];
      if (!section) return [];
      return [{ stack: stackId(cloud, environment.name), cloud, environment: environment.name, stage: environment.stage, config: environment.file, region: section.region }];
    }),
  );
}

/** The `$GITHUB_OUTPUT` lines. Each value is one line of JSON, as GitHub's name=value form needs. */
export function matrixOutputs(entries: readonly StackEntry[]): string {
  const include = (selected: readonly StackEntry[]) => JSON.stringify({ include: selected });
  const development = entries.filter((entry) => entry.stage === "development");
  const production = entries.filter((entry) => entry.stage === "production");
  return [
    `matrix=${include(entries)}`,
    `development=${include(development)}`,
    `production=${include(production)}`,
    `count=${entries.length}`,
    `development_count=${development.length}`,
    `production_count=${production.length}`,
  ].join("\n");
}

export function runStackMatrix(argv: string[], io: CliIo = processIo, defaultDir = process.env.INFRA_CONFIG_DIR || "config"): number {
  const args = parseCommandLine("stack-matrix", USAGE, io, {
    args: argv,
    options: { help: { type: "boolean", short: "h" } },
    allowPositionals: true,
    strict: true,
  });
  if (typeof args === "number") return args;
  if (args.positionals.length > 1) {
    io.stderr(`stack-matrix: give one configuration directory, not ${args.positionals.length}\n${USAGE}`);
    return EXIT_BAD_INPUT;
  }
  try {
    io.stdout(matrixOutputs(stackEntries(loadEnvironments(args.positionals[0] ?? defaultDir))));
    return 0;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr(error.lines.join("\n"));
    return 1;
  }
}

if (require.main === module) {
  try {
    process.exitCode = runStackMatrix(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`stack-matrix: internal error, please report: ${firstLine(error)}\n`);
    process.exitCode = EXIT_BAD_INPUT;
  }
}
