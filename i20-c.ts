import { build } from 'esbuild';
import * as path from 'path';
(async () => {
  const R = '/work/wt-20';
  const r = await build({ entryPoints: [path.join(R, 'bench/workloads/' + (process.env.RT ?? 'ours') + '/minimal.ts')], outfile: '/tmp/i20b/x.js', bundle: true, platform: 'node', format: 'cjs', target: 'node20', minify: true, keepNames: true, legalComments: 'none', alias: { 'cdk-durable-function/runtime': path.join(R, 'runtime', 'index.ts') }, metafile: true, logLevel: 'silent', mainFields: ['module','main'] });
  const inputs = Object.entries(Object.values(r.metafile.outputs)[0].inputs);
  for (const [k, v] of inputs.filter(([f]) => f.includes(process.env.PKG ?? 'client-lambda')).sort((a,b)=>b[1].bytesInOutput-a[1].bytesInOutput).slice(0,25)) console.log(String(v.bytesInOutput).padStart(8), k.replace(/.*node_modules\//,''));
})();
