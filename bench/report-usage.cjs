// Preloaded (node --require) into a measured process: on exit, writes its wall time since
// process start and its peak resident memory to the file named by BENCH_USAGE_FILE.
const fs = require("fs");
process.on("exit", () => {
  const usage = { wallMs: performance.now(), maxRssKb: process.resourceUsage().maxRSS };
  fs.writeFileSync(process.env.BENCH_USAGE_FILE, JSON.stringify(usage));
});
