#!/usr/bin/env node
/**
 * The cdktf app (cdktf.json "app": `node bin/synth.cjs`): bundles main.ts with esbuild when an
 * input changed, then runs the bundle in this process. One node process per synth, no npm, and
 * no esbuild at all when nothing changed.
 *
 *   node bin/synth.cjs            # rebuild if stale, then synthesize (what `cdktf synth` runs)
 *   node bin/synth.cjs --build    # rebuild if stale, nothing else (`npm run build`)
 *
 * Why it is fast:
 * - The bundle includes node_modules (cdktf, the provider bindings, zod, yaml): one file to read
 *   instead of ~650 modules to resolve, read and compile one by one.
 * - V8's compiled code for the bundle is cached next to it (*.v8cache), so later runs
 *   skip most parsing and compiling. V8 rejects a cache from another node version; it is then
 *   rewritten. The cache is skipped (plain require, source maps work) when INFRA_DEBUG is set or
 *   node runs with --enable-source-maps.
 *
 * When it rebuilds (main.inputs.json next to the bundle records what the last build read):
 * - any project source esbuild read changed (content hash, so an edit within the same mtime
 *   tick or a restored mtime still counts), or a source file appeared or vanished in a
 *   directory holding one or one of its parents (a new `x.ts` changes what `./x` resolves to);
 * - tsconfig.json, package.json, this file, or the installed packages changed
 *   (node_modules/.package-lock.json, plus size and mtime of every bundled package file);
 * - the bundle is missing or is not the one the last build wrote.
 * Build errors are printed one per line (file:line:column: message) and exit 1, like config
 * problems.
 *
 * Type errors stop it too: every rebuild type-checks main.ts's program (bin/typecheck.cjs) in a
 * worker thread while esbuild bundles, and a type error exits 1 with one line per error
 * (file:line:column: error TSxxxx: message) before anything is written. Every synth path runs
 * this file (`cdktf synth`/`diff`/`deploy`, `npm run synth`, `npm run build`), so none of them
 * synthesizes code that does not type-check. An up-to-date bundle passed the check when it was
 * built, so the usual synth pays nothing for it. The files the checker read count as inputs too:
 * a file imported only for its types never reaches esbuild, yet an edit to it can break the build.
 */
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const Module = require("module");
const path = require("path");
const vm = require("vm");
const { Worker } = require("worker_threads");

const ROOT = path.resolve(__dirname, "..");
const ENTRY = "main.ts";
// Under node_modules/.cache (the usual place for tool caches): ESLint, tsc and jest skip it, and
// `npm ci` clears it with the packages it was built from.
const OUT_DIR = path.join(ROOT, "node_modules", ".cache", "synth");
/** Where earlier versions wrote the bundle; removed on the next build so ESLint does not lint it. */
const LEGACY_OUT_DIR = path.join(ROOT, ".build");
const BUNDLE = path.join(OUT_DIR, "main.js");
const STATE = path.join(OUT_DIR, "main.inputs.json");
/** The type checker's incremental state (a recheck after a small edit reuses the rest). */
const TYPECHECK_BUILD_INFO = path.join(OUT_DIR, "main.tsbuildinfo");
/** Read by esbuild (or deciding its output) without appearing among the metafile inputs. */
const EXTRA_INPUTS = [
  "tsconfig.json",
  "package.json",
  "node_modules/.package-lock.json",
  path.relative(ROOT, __filename),
  path.relative(ROOT, path.join(__dirname, "typecheck.cjs")),
];
/**
 * cdktf captures a full stack trace (unbounded depth) for every token it creates, to name where a
 * bad token came from. stacks/app.ts already formats those traces as "" unless INFRA_DEBUG is set,
 * so they are always empty; capturing them is still ~14% of synthesizing 40 stacks. The bundled
 * copy of cdktf's capture returns [] straight away unless INFRA_DEBUG is set. If cdktf moves the
 * file this simply stops matching (slower, same output).
 */
const skipTokenStackTraces = {
  name: "skip-token-stack-traces",
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/]cdktf[\\/]lib[\\/]tokens[\\/]private[\\/]stack-trace\.js$/ }, (args) => ({
      loader: "js",
      contents: `${fs.readFileSync(args.path, "utf8")}
const captureFull = exports.captureStackTrace;
exports.captureStackTrace = function captureStackTrace(below) {
  return process.env.INFRA_DEBUG ? captureFull(below || captureStackTrace) : [];
};
`,
    }));
  },
};
/** File names esbuild resolves an extensionless import to. */
const RESOLVABLE = /\.(tsx?|mts|cts|jsx?|mjs|cjs|json|css)$/;
const BUILD_OPTIONS = {
  absWorkingDir: ROOT,
  entryPoints: [ENTRY],
  bundle: true,
  platform: "node",
  target: "node22",
  outfile: BUNDLE,
  sourcemap: "linked",
  sourcesContent: false,
  metafile: true,
  write: false,
  logLevel: "silent",
  plugins: [skipTokenStackTraces],
};

function sha1(data) {
  return crypto.createHash("sha1").update(data).digest("hex");
}

function isPackageFile(file) {
  return file.split(/[\\/]/).includes("node_modules");
}

/** What a file looks like now: a content hash for project files, size + mtime for package files. */
function fingerprint(file) {
  const absolute = path.resolve(ROOT, file);
  try {
    if (isPackageFile(file) && path.basename(file) !== ".package-lock.json") {
      const stat = fs.statSync(absolute);
      return `${stat.size}:${stat.mtimeMs}`;
    }
    return sha1(fs.readFileSync(absolute));
  } catch {
    return "missing";
  }
}

/** The names in `dir` an import could resolve to (a new `x.ts` shadows an existing `x/index.ts`). */
function listing(dir) {
  try {
    const names = fs.readdirSync(path.resolve(ROOT, dir)).filter((name) => RESOLVABLE.test(name));
    return sha1(names.sort().join("\n"));
  } catch {
    return "missing";
  }
}

function bundleIdentity() {
  try {
    const stat = fs.statSync(BUNDLE);
    return `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
  } catch {
    return "missing";
  }
}

/** The recorded state when the bundle is up to date with every recorded input, else undefined. */
function currentState() {
  let state;
  try {
    state = JSON.parse(fs.readFileSync(STATE, "utf8"));
  } catch {
    return undefined;
  }
  if (state.bundle !== bundleIdentity()) return undefined;
  for (const [file, print] of Object.entries(state.files)) if (fingerprint(file) !== print) return undefined;
  for (const [dir, print] of Object.entries(state.dirs)) if (listing(dir) !== print) return undefined;
  return state;
}

/** Writes `data` to `file` atomically: concurrent synths never see a half-written file. */
function writeAtomically(file, data) {
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, data);
  const stat = fs.statSync(temporary);
  fs.renameSync(temporary, file);
  return stat;
}

function formatMessage(message) {
  const where = message.location ? `${message.location.file}:${message.location.line}:${message.location.column + 1}: ` : "";
  return `${where}${message.text}`;
}

function counted(count, noun) {
  return `${count} ${count === 1 ? noun : `${noun}s`}`;
}

/**
 * Type-checks main.ts's program in a worker thread: resolves to { problems, files }. A thread, so
 * the check (CPU-bound, ~3 s) overlaps esbuild's bundling instead of blocking the plugin
 * callbacks esbuild waits on.
 */
function typeCheckInWorker() {
  return new Promise((resolve) => {
    fs.mkdirSync(OUT_DIR, { recursive: true });
    const worker = new Worker(path.join(__dirname, "typecheck.cjs"), {
      workerData: { typeCheck: { root: ROOT, entry: ENTRY, buildInfoFile: TYPECHECK_BUILD_INFO } },
    });
    worker.once("message", resolve);
    worker.once("error", (error) => resolve({ problems: [`type check could not run: ${String(error.message ?? error).split("\n")[0]}`], files: [] }));
    worker.once("exit", () => resolve({ problems: ["type check could not run: its worker exited without an answer"], files: [] }));
  });
}

/** Bundles main.ts; returns the new state, or exits 1 with one line per type or build error. */
async function build() {
  const esbuild = require("esbuild");
  const checked = typeCheckInWorker();
  const bundled = esbuild.build(BUILD_OPTIONS).then(
    (result) => ({ result }),
    (error) => ({ errors: error.errors ?? [{ text: String(error.message ?? error) }] }),
  ); // buildSync takes no plugins
  // Build errors first (a syntax error or an unresolved import): the checker would report the
  // same mistake again, less plainly. Type errors once the code bundles.
  const { result, errors } = await bundled;
  if (errors) {
    process.stderr.write(`${errors.map(formatMessage).join("\n")}\n${counted(errors.length, "build error")}; nothing was synthesized.\n`);
    process.exit(1);
  }
  const check = await checked;
  if (check.problems.length > 0) {
    process.stderr.write(`${check.problems.join("\n")}\n${counted(check.problems.length, "type error")}; nothing was synthesized.\n`);
    process.exit(1);
  }
  for (const warning of result.warnings) process.stderr.write(`warning: ${formatMessage(warning)}\n`);
  const inputs = [...new Set([...Object.keys(result.metafile.inputs), ...check.files, ...EXTRA_INPUTS].map((file) => path.relative(ROOT, path.resolve(ROOT, file))))];
  const files = Object.fromEntries(inputs.map((file) => [file, fingerprint(file)]));
  const dirs = {};
  for (const file of inputs.filter((input) => !isPackageFile(input) && !input.startsWith(".."))) {
    for (let dir = path.dirname(file); !(dir in dirs); dir = path.dirname(dir)) {
      dirs[dir] = listing(dir);
      if (dir === ".") break;
    }
  }
  fs.mkdirSync(OUT_DIR, { recursive: true });
  fs.rmSync(LEGACY_OUT_DIR, { recursive: true, force: true });
  for (const stale of fs.readdirSync(OUT_DIR)) if (stale.endsWith(".v8cache")) fs.rmSync(path.join(OUT_DIR, stale), { force: true });
  let bundle;
  let id;
  for (const output of result.outputFiles) {
    const stat = writeAtomically(output.path, output.contents);
    if (output.path === BUNDLE) {
      bundle = `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
      id = sha1(output.contents).slice(0, 16);
    }
  }
  const state = { id, bundle, files, dirs };
  writeAtomically(STATE, JSON.stringify(state));
  return state;
}

/** Runs the bundle as a CommonJS module, with V8's code cache for it when there is one. */
function run(state) {
  if (process.env.INFRA_DEBUG || process.sourceMapsEnabled) {
    require(BUNDLE);
    return;
  }
  const cacheFile = path.join(OUT_DIR, `main.${state.id}.${process.version}.v8cache`);
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(fs.readFileSync(BUNDLE, "utf8")), { filename: BUNDLE, cachedData });
  const bundleModule = new Module(BUNDLE, module);
  bundleModule.filename = BUNDLE;
  bundleModule.paths = Module._nodeModulePaths(OUT_DIR);
  script.runInThisContext().call(bundleModule.exports, bundleModule.exports, Module.createRequire(BUNDLE), bundleModule, BUNDLE, OUT_DIR);
  bundleModule.loaded = true;
  // Cached after the run, so it holds the functions synthesis compiled, not just the top level.
  if ((cachedData === undefined || script.cachedDataRejected) && !process.exitCode) {
    try {
      writeAtomically(cacheFile, script.createCachedData());
    } catch {
      // A read-only checkout still synthesizes, only without the cache.
    }
  }
}

function finish(state) {
  if (!process.argv.includes("--build")) run(state);
}

// Up to date (the usual case): no promise, no esbuild; the bundle runs synchronously.
const upToDate = currentState();
if (upToDate) finish(upToDate);
else build().then(finish);
