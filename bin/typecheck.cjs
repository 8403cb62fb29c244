/**
 * The type check that stands in front of every synth (bin/synth.cjs runs it in a worker thread
 * whenever it rebuilds the bundle): esbuild strips types without checking them, so without this
 * a type error would synthesize silently.
 *
 * What it checks: the program rooted at the synth entry (main.ts) with the project's
 * tsconfig.json options, i.e. exactly the code synthesis runs and every file it imports, types
 * included. Not the whole project: a type error in a test must not stop a synth (`npm test` runs
 * `tsc --noEmit` over everything), and checking only main.ts's program is ~3 s instead of ~9 s.
 *
 * Incremental: the checker's .tsbuildinfo lives next to the bundle, so a recheck after a small
 * edit reuses what did not change.
 */
"use strict";
const path = require("path");

/**
 * Type-checks `entry` (relative to `root`) with `root`/tsconfig.json's compiler options.
 * Returns the problems, one line each (`file:line:column: error TSxxxx: message`, paths relative
 * to `root`), and the project files the checker read (outside node_modules), so the caller can
 * rebuild when any of them changes: a file imported only for its types never reaches esbuild.
 */
function typeCheck(root, entry, buildInfoFile) {
  const ts = require(require.resolve("typescript", { paths: [root] }));
  const configPath = path.join(root, "tsconfig.json");
  const configProblems = [];
  const config = ts.getParsedCommandLineOfConfigFile(configPath, {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => configProblems.push(diagnostic),
  });
  if (!config) return { problems: configProblems.map((diagnostic) => formatDiagnostic(ts, root, diagnostic)), files: ["tsconfig.json"] };
  const options = { ...config.options, noEmit: true };
  if (buildInfoFile) Object.assign(options, { incremental: true, tsBuildInfoFile: buildInfoFile });
  const builder = ts.createIncrementalProgram({ rootNames: [path.resolve(root, entry)], options });
  const diagnostics = [
    ...builder.getConfigFileParsingDiagnostics(),
    ...builder.getOptionsDiagnostics(),
    ...builder.getGlobalDiagnostics(),
    ...builder.getSyntacticDiagnostics(),
    ...builder.getSemanticDiagnostics(),
  ].filter((diagnostic) => diagnostic.category === ts.DiagnosticCategory.Error);
  if (buildInfoFile) {
    try {
      builder.emit(); // with noEmit, writes only the .tsbuildinfo
    } catch {
      // A read-only checkout still checks, only without the incremental state.
    }
  }
  const files = builder
    .getProgram()
    .getSourceFiles()
    .map((file) => path.relative(root, file.fileName))
    .filter((file) => !file.startsWith("..") && !file.split(/[\\/]/).includes("node_modules"));
  return { problems: diagnostics.map((diagnostic) => formatDiagnostic(ts, root, diagnostic)), files };
}

/** One line per problem, in the file:line:column form esbuild's build errors use in synth.cjs. */
function formatDiagnostic(ts, root, diagnostic) {
  // A message chain (the "…is not assignable to…" explanation) is joined into the one line.
  const message = ts
    .flattenDiagnosticMessageText(diagnostic.messageText, "\n")
    .split("\n")
    .map((part) => part.trim())
    .filter(Boolean)
    .join(" ");
  let where = "";
  if (diagnostic.file) {
    const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
    where = `${path.relative(root, diagnostic.file.fileName)}:${line + 1}:${character + 1}: `;
  }
  return `${where}error TS${diagnostic.code}: ${message}`;
}

module.exports = { typeCheck };

// As a worker thread of bin/synth.cjs: check, post the result, end.
const { isMainThread, parentPort, workerData } = require("worker_threads");
if (!isMainThread && workerData && workerData.typeCheck) {
  const { root, entry, buildInfoFile } = workerData.typeCheck;
  try {
    parentPort.postMessage(typeCheck(root, entry, buildInfoFile));
  } catch (error) {
    parentPort.postMessage({ problems: [`type check could not run: ${String(error && error.message ? error.message : error).split("\n")[0]}`], files: [] });
  }
}
