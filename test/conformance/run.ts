/**
 * Command line for the conformance runner.
 *
 *   npx ts-node test/conformance/run.ts [dir] [--only 1.1,8.13] [--concurrency 3]
 *
 * `dir` defaults to the vendored `test/conformance/data` (or `$CONFORMANCE_DIR`). Prints one
 * headline per requirement and the closing `N passed, N failed, …` line; exits 1 when any
 * requirement failed.
 */
import * as path from 'path';
import { formatReport } from './report';
import { defaultRequirementsDir } from './requirement';
import { runConformance } from './runner';

interface CliArgs {
  dir: string;
  only?: Set<string>;
  concurrency?: number;
}

function usage(problem: string): never {
  process.stderr.write(`${problem}\nUsage: npx ts-node test/conformance/run.ts [dir] [--only 1.1,8.13] [--concurrency N]\n`);
  process.exit(2);
}

function parseArgs(argv: readonly string[]): CliArgs {
  const args: CliArgs = { dir: defaultRequirementsDir() };
  let dirSeen = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--only') {
      const v = argv[++i];
      if (!v) usage('--only needs a comma-separated list of requirement ids');
      args.only = new Set(v.split(',').map((s) => s.trim()).filter(Boolean));
    } else if (a === '--concurrency') {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1) usage('--concurrency needs an integer >= 1');
      args.concurrency = n;
    } else if (a === '--help' || a === '-h') {
      usage('Runs the conformance requirements on the local durable-execution service.');
    } else if (a.startsWith('-')) {
      usage(`Unknown option ${a}`);
    } else if (!dirSeen) {
      args.dir = path.resolve(a);
      dirSeen = true;
    } else {
      usage(`Unexpected argument ${a}`);
    }
  }
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const only = args.only;
  const reports = await runConformance({
    dir: args.dir,
    filter: only ? (id) => only.has(id) : undefined,
    concurrency: args.concurrency,
  });
  process.stdout.write(formatReport(reports));
  process.exitCode = reports.some((r) => r.verdict.status === 'FAIL') ? 1 : 0;
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(2);
});
