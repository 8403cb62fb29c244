/**
 * `node --import tsx scripts/ci/require-remote-backend.ts <cdktf.out/stacks/<id> | cdk.tf.json>...`
 *
 * CI plans and applies on runners that are thrown away after the job. With the local backend the
 * state would be written to the runner's disk and lost: the next run would plan to create
 * everything again, next to the resources the lost state owned. The workflows run this before
 * `terraform init` and refuse a stack whose synthesized `cdk.tf.json` has `terraform.backend.local`
 * or no backend at all (Terraform's default is local). Any other backend (s3, gcs, HCP Terraform's
 * `cloud` block, …) is accepted: where the state lives beyond the runner is the user's choice.
 *
 * Exit code: 0 every stack keeps its state remotely, 1 at least one does not (one line per such
 * stack, naming it and the fix), 2 usage or a file that cannot be read as a synthesized stack.
 */
import * as fs from "fs";
import * as path from "path";
import { CliIo, EXIT_BAD_INPUT, firstLine, InputError, parseCommandLine, processIo, readText } from "../../lib/cli-io";

export const USAGE = [
  "usage: node --import tsx scripts/ci/require-remote-backend.ts <cdktf.out/stacks/<id> | cdk.tf.json>...",
  "Exit code: 0 every stack has a remote state backend, 1 one has not, 2 usage or input error.",
].join("\n");

/** Exit code when a stack would keep its state on the runner. */
export const EXIT_LOCAL_STATE = 1;

/** The stack's id: the directory its cdk.tf.json is in (cdktf.out/stacks/<id>/cdk.tf.json). */
function stackOf(file: string): string {
  return path.basename(path.dirname(path.resolve(file)));
}

/** What the environment file needs, by the stack id's cloud prefix (lib/naming.ts stackId). */
function fixFor(stack: string): string {
  const [cloud, ...rest] = stack.split("-");
  const environment = rest.join("-");
  const file = environment === "" ? "the environment file" : `the environment file ${environment}.yaml`;
  if (cloud === "aws") return `set aws.backend: { type: s3, bucket: <state bucket> } in ${file}`;
  if (cloud === "gcp") return `set gcp.backend: { type: gcs, bucket: <state bucket> } in ${file}`;
  return "configure a remote backend";
}

/** The backend a synthesized stack keeps its state in: its type, or `cloud` for HCP Terraform. */
export function backendOf(json: unknown): string | undefined {
  const terraform = (json as { terraform?: { cloud?: unknown; backend?: Record<string, unknown> } }).terraform;
  if (terraform?.cloud !== undefined) return "cloud";
  const types = Object.keys(terraform?.backend ?? {});
  // Terraform allows one backend block; several (hand-edited JSON) is not something to trust.
  return types.length === 1 ? types[0] : undefined;
}

/**
 * The one-line refusal for a synthesized stack whose state would stay on the runner, or undefined
 * when it is remote.
 */
export function backendProblem(file: string, json: unknown): string | undefined {
  const backend = backendOf(json);
  if (backend !== undefined && backend !== "local") return undefined;
  const stack = stackOf(file);
  const found = backend === "local" ? "backend local" : "no backend, so Terraform's default local";
  return `${stack}: refusing to run Terraform in CI with state on the runner (${found} in ${file}): the runner's disk is thrown away after the job; ${fixFor(stack)} (README "State")`;
}

function readStack(arg: string): { file: string; json: unknown } {
  const file = fs.existsSync(arg) && fs.statSync(arg).isDirectory() ? path.join(arg, "cdk.tf.json") : arg;
  const text = readText(file);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${file}: not a synthesized stack: ${firstLine(error)}`);
  }
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    throw new InputError(`${file}: not a synthesized stack: expected a JSON object (cdktf.out/stacks/<id>/cdk.tf.json)`);
  }
  return { file, json };
}

/** Checks every argument; returns the exit code. */
export function runRequireRemoteBackend(argv: string[], io: CliIo = processIo): number {
  const args = parseCommandLine("require-remote-backend", USAGE, io, {
    args: argv,
    options: { help: { type: "boolean", short: "h" } },
    allowPositionals: true,
    strict: true,
  });
  if (typeof args === "number") return args;
  if (args.positionals.length === 0) {
    io.stderr(`require-remote-backend: no stack given\n${USAGE}`);
    return EXIT_BAD_INPUT;
  }
  // Every stack is read before anything is reported: an unreadable one means nothing was checked.
  let stacks: { file: string; json: unknown }[];
  try {
    stacks = args.positionals.map(readStack);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    io.stderr(error.message);
    return EXIT_BAD_INPUT;
  }
  let refused = false;
  for (const { file, json } of stacks) {
    const problem = backendProblem(file, json);
    if (problem !== undefined) {
      io.stderr(problem);
      refused = true;
    } else {
      io.stdout(`${stackOf(file)}: state backend ${backendOf(json)}`);
    }
  }
  return refused ? EXIT_LOCAL_STATE : 0;
}

if (require.main === module) {
  try {
    process.exitCode = runRequireRemoteBackend(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`require-remote-backend: internal error: ${firstLine(error)}\n`);
    process.exitCode = EXIT_BAD_INPUT;
  }
}
