/**
 * Jest transform: TypeScript → CommonJS with esbuild (already the synth bundler), transpile
 * only. Type-checking is the one `tsc --noEmit` in `npm test`. ts-jest cost ~20 s of a cold run
 * on the 2-core CI machines (it loads the TypeScript compiler in every worker); this costs ~1 s.
 * No `jest.mock` hoisting: the tests do not mock modules.
 */
const { transformSync, version } = require("esbuild");
const crypto = require("crypto");

module.exports = {
  process(source, filename) {
    const { code, map } = transformSync(source, {
      loader: filename.endsWith(".tsx") ? "tsx" : "ts",
      format: "cjs",
      target: "node20",
      sourcemap: "external",
      sourcefile: filename,
      sourcesContent: false,
    });
    return { code, map };
  },
  getCacheKey(source, filename) {
    return crypto.createHash("sha256").update(version).update("\0").update(filename).update("\0").update(source).digest("hex");
  },
};
