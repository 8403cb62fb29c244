/**
 * Refreshes the vendored provider schemas (test/fixtures/provider-schemas) from a directory of extracted ones
 * (default ../shared/provider-schemas, see its README): for each provider the prebuilt bindings wrap
 * (test/support/provider-schema.ts PROVIDER_FOLDERS), only the resource, data source and ephemeral types that the
 * example and deployment-shape stacks synthesize (plus KEEP, types only construct tests use), and provider.json.
 * Files are copied byte for byte; vendored types no longer used are removed.
 *
 *   npm run schemas:vendor [-- --from <dir>] [-- --check]
 *
 * `--check` writes nothing and exits 1 when the vendored subset differs from what it would write.
 */
import * as fs from "fs";
import * as path from "path";
import { synthesizeExampleStacks, synthesizeScenarioStacks } from "../test/support/example-stacks";
import { PROVIDER_FOLDERS, SCHEMA_DIR } from "../test/support/provider-schema";

/** Types synthesized only by construct tests (test/gcp), not by any example stack. */
const KEEP: Record<string, string[]> = {
  resource: ["google_artifact_registry_repository_iam_member", "google_compute_managed_ssl_certificate"],
};
const SUBFOLDER: Record<string, string> = { resource: "", data: "data", ephemeral: "ephemeral" };

function option(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

function main(): number {
  const from = path.resolve(option("--from") ?? path.join(__dirname, "..", "..", "shared", "provider-schemas"));
  const check = process.argv.includes("--check");
  const stacks = [...Object.values(synthesizeExampleStacks()), ...Object.values(synthesizeScenarioStacks())];
  /** Wanted files, relative to SCHEMA_DIR. */
  const wanted = new Set<string>();
  for (const kind of Object.keys(SUBFOLDER)) {
    const types = new Set([...(KEEP[kind] ?? []), ...stacks.flatMap((json: any) => Object.keys(json[kind] ?? {}))]);
    for (const type of types) {
      const folder = PROVIDER_FOLDERS[type.split("_")[0]];
      if (folder) wanted.add(path.join(folder, SUBFOLDER[kind], `${type}.json`));
    }
  }
  for (const folder of Object.values(PROVIDER_FOLDERS)) wanted.add(path.join(folder, "provider.json"));
  const changes: string[] = [];
  for (const file of [...wanted].sort()) {
    const source = path.join(from, file);
    if (!fs.existsSync(source)) throw new Error(`${source}: not in ${from} (extract that type of that provider version first)`);
    const target = path.join(SCHEMA_DIR, file);
    const text = fs.readFileSync(source);
    if (fs.existsSync(target) && fs.readFileSync(target).equals(text)) continue;
    changes.push(`${fs.existsSync(target) ? "update" : "add"} ${file}`);
    if (!check) {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, text);
    }
  }
  for (const folder of Object.values(PROVIDER_FOLDERS)) {
    for (const sub of Object.values(SUBFOLDER)) {
      const dir = path.join(SCHEMA_DIR, folder, sub);
      if (!fs.existsSync(dir)) continue;
      for (const name of fs.readdirSync(dir).filter((entry) => entry.endsWith(".json"))) {
        const file = path.join(folder, sub, name);
        if (wanted.has(file)) continue;
        changes.push(`remove ${file}`);
        if (!check) fs.unlinkSync(path.join(SCHEMA_DIR, file));
      }
    }
  }
  for (const change of changes) console.log(change);
  console.log(`${wanted.size} schema files wanted, ${changes.length} ${check ? "out of date" : "changed"}`);
  return check && changes.length > 0 ? 1 : 0;
}

process.exitCode = main();
