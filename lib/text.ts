/** Small wording helpers shared by every message the project prints. */

/** "1 instance", "2 instances", "1–3 instances": a count with its noun in the right number. */
export function counted(count: string | number, noun: string, plural = `${noun}s`): string {
  return `${count} ${String(count) === "1" ? noun : plural}`;
}
