/**
 * Reading `terraform show -json` files for the command-line tools (guard, summary): every
 * problem becomes an InputError whose message is one line naming the file.
 */
import * as fs from "fs";

/** Thrown for anything that makes the run unusable; the message is one line naming the file. */
export class InputError extends Error {}

export function readPlan(file: string): unknown {
  const text = readText(file);
  // A binary plan is a zip archive; people pass it by mistake more often than anything else.
  if (text.startsWith("PK\u0003\u0004")) {
    throw new InputError(`${file}: this is a binary plan file; convert it first: terraform show -json ${file} > plan.json`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(
      `${file}: not valid JSON (${firstLine(error)}); expected the output of \`terraform show -json <planfile>\``,
    );
  }
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
