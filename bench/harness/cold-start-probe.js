'use strict';
// Hosted in place of a minimal workflow bundle to time a cold start: the first invocation of a
// fresh process loads the real bundle (named by BENCH_TARGET_BUNDLE) and runs its handler once.
// Both spans are written to BENCH_METRICS_FILE as one JSON line. Kept as plain JavaScript so
// that nothing but the measured bundle is loaded inside the timed spans.
const fs = require('fs');

exports.handler = async (event, context) => {
  const cpuBefore = process.cpuUsage();
  const beforeLoad = process.hrtime.bigint();
  const target = require(process.env.BENCH_TARGET_BUNDLE);
  const loaded = process.hrtime.bigint();
  const output = await target.handler(event, context);
  const handled = process.hrtime.bigint();
  const cpu = process.cpuUsage(cpuBefore);
  const record = {
    loadMs: Number(loaded - beforeLoad) / 1e6,
    firstInvocationMs: Number(handled - loaded) / 1e6,
    cpuMs: (cpu.user + cpu.system) / 1000,
    status: output && output.Status,
    maxRssKb: process.resourceUsage().maxRSS,
  };
  fs.appendFileSync(process.env.BENCH_METRICS_FILE, JSON.stringify(record) + '\n');
  return output;
};
