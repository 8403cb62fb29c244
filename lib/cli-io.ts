/**
 * What the command-line tools (guard, summary, diagram) share: one-line input errors naming the
 * file, the output streams behind an interface tests can capture, and usage handling. A user
 * should see the same kind of message, and the same exit code for bad usage, from every tool.
 * No cdktf here: the plan tools must start in well under a second on every CI run.
 */
import * as fs from "fs";
import { parseArgs, ParseArgsConfig } from "util";

/** Thrown for anything that makes the run unusable; the message is one line naming the file. */
export class InputError extends Error {}

/** Bad usage, or input a tool cannot use: nothing was checked, which must not read as a pass or a refusal. */
export const EXIT_BAD_INPUT = 2;

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

export const processIo: CliIo = {
  stdout: (text) => writeLine(process.stdout, text),
  stderr: (text) => writeLine(process.stderr, text),
};

const watched = new WeakSet<NodeJS.WriteStream>();
/**
 * A reader that stops early (`npm run synth | head -n 2`) closes the pipe: the rest of the output
 * is unwanted, not an error, so the tool ends quietly instead of printing an EPIPE stack trace.
 */
function writeLine(stream: NodeJS.WriteStream, text: string): void {
  if (!watched.has(stream)) {
    watched.add(stream);
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE") throw error;
      process.exit(process.exitCode ?? 0);
    });
  }
  stream.write(`${text}\n`);
}

export function readText(file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (error: any) {
    const problems: Record<string, string> = {
      ENOENT: "file not found",
      EISDIR: "is a directory, not a file",
      EACCES: "permission denied",
    };
    throw new InputError(`${file}: cannot read: ${problems[error?.code] ?? firstLine(error)}`);
  }
}

export function firstLine(error: unknown): string {
  // Not `instanceof Error`: errors from another realm (a test runner's sandbox) fail that check.
  const message = typeof (error as any)?.message === "string" ? (error as any).message : String(error);
  return message.split("\n")[0].trim();
}

/**
 * parseArgs for a tool named `command`, or the exit code when the run ends here: --help prints
 * the usage (0); bad usage prints one line and the usage (EXIT_BAD_INPUT). `config.options` should
 * declare `help`.
 */
export function parseCommandLine<T extends ParseArgsConfig>(
  command: string,
  usage: string,
  io: CliIo,
  config: T,
): ReturnType<typeof parseArgs<T>> | number {
  let parsed: ReturnType<typeof parseArgs<T>>;
  try {
    parsed = parseArgs(config);
  } catch (error) {
    // parseArgs appends a long note about `--` to unknown options; the usage below says enough.
    io.stderr(`${command}: ${firstLine(error).replace(/\. To specify a positional argument.*$/, "")}\n${usage}`);
    return EXIT_BAD_INPUT;
  }
  if ((parsed.values as { help?: boolean }).help) {
    io.stdout(usage);
    return 0;
  }
  return parsed;
}
