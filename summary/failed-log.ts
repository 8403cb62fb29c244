/**
 * The end of a failed plan's log, fit for a PR comment: the last lines, terminal colour and
 * cursor codes removed, capped in length and fenced so nothing in the log can end the code block.
 */
export const LOG_TAIL_LINES = 40;
/** Characters of log kept per failed stack (the end of it). */
export const LOG_TAIL_CHARACTERS = 6000;

/** CSI sequences (colours, cursor moves), OSC sequences (titles, links) and lone escapes. */
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]|\u009b[0-?]*[ -/]*[@-~]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, "");
}

/** The last `lines` lines of the log, without ANSI codes or carriage-return overwrites, at most `characters` long. */
export function logTail(log: string, lines = LOG_TAIL_LINES, characters = LOG_TAIL_CHARACTERS): string {
  const clean = stripAnsi(log)
    .split("\n")
    // A progress line redrawn with \r shows only its last state.
    .map((line) => line.replace(/\r+$/, "").split("\r").pop() ?? "")
    .join("\n")
    .replace(/\s+$/, "");
  let tail = clean.split("\n").slice(-lines).join("\n");
  if (tail.length > characters) tail = `…${tail.slice(tail.length - characters + 1)}`;
  return tail;
}

/** A fenced code block that no run of backticks inside `text` can close. */
export function codeBlock(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = "`".repeat(longest + 1);
  return `${fence}text\n${text}\n${fence}`;
}
