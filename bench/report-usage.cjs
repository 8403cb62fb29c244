// Preloaded (NODE_OPTIONS=--require) into every node process of a measured command: on exit,
// writes its peak resident memory to <BENCH_USAGE_DIR>/<pid>.json (bench takes the largest).
const fs = require("fs");
const path = require("path");
if (process.env.BENCH_USAGE_DIR) {
  process.on("exit", () => {
    const usage = { wallMs: performance.now(), maxRssKb: process.resourceUsage().maxRSS };
    fs.writeFileSync(path.join(process.env.BENCH_USAGE_DIR, `${process.pid}.json`), JSON.stringify(usage));
  });
}
