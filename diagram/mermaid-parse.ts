/**
 * Runs Mermaid's own parser on diagrams: `node --import tsx diagram/mermaid-parse.ts < diagrams.json`
 * reads `{ "<name>": "<mermaid text>", … }` on stdin and prints `{ "<name>": "<parse error>" | null, … }`.
 *
 * A separate process because mermaid is an ES module that jest (CommonJS) cannot import. mermaid
 * sanitizes labels with DOMPurify, which needs a DOM: linkedom's is the cheapest that works
 * (about 1.5 s for the process in all, against about 3.5 s with jsdom). Nothing is rendered: layout needs
 * a browser.
 */

type Mermaid = { parse(text: string): Promise<unknown> };

/** Parse error per diagram name, `null` for a diagram Mermaid accepts. */
export async function mermaidParseErrors(diagrams: Record<string, string>): Promise<Record<string, string | null>> {
  const { parseHTML } = await import("linkedom");
  (globalThis as any).window = parseHTML("<!doctype html><html><body></body></html>").window;
  const mermaid = ((await import("mermaid")) as unknown as { default: Mermaid }).default;
  const errors: Record<string, string | null> = {};
  for (const [name, text] of Object.entries(diagrams)) {
    try {
      await mermaid.parse(text);
      errors[name] = null;
    } catch (error) {
      errors[name] = String((error as Error)?.message ?? error);
    }
  }
  return errors;
}

if (require.main === module) {
  const chunks: Buffer[] = [];
  process.stdin.on("data", (chunk: Buffer) => chunks.push(chunk));
  process.stdin.on("end", () => {
    mermaidParseErrors(JSON.parse(Buffer.concat(chunks).toString("utf8"))).then(
      (errors) => process.stdout.write(`${JSON.stringify(errors)}\n`),
      (error) => {
        process.stderr.write(`mermaid-parse: ${(error as Error).stack ?? error}\n`);
        process.exitCode = 1;
      },
    );
  });
}
