/**
 * `cdk-durable local … --plain-function name=file --durable-function name=file`: hosting the
 * targets a workflow chain-invokes.
 */
import * as path from 'node:path';
import { CliOutput, parseCliArguments, runCli, UsageError } from '../../local/cli';

const FIXTURES = path.join(__dirname, '../fixtures/local/operations');

function capture(): CliOutput & { stdout: string; stderr: string } {
  const out = {
    stdout: '',
    stderr: '',
    write(stream: 'stdout' | 'stderr', text: string) {
      out[stream] += text;
    },
  };
  return out;
}

describe('CLI target functions', () => {
  it('parses repeated --plain-function and --durable-function', () => {
    expect(parseCliArguments(['local', 'c.ts', '--plain-function', 'pricing=p.js', '--durable-function', 'fraud=f.ts'])).toMatchObject({
      targets: [
        { name: 'pricing', file: 'p.js', durable: false },
        { name: 'fraud', file: 'f.ts', durable: true },
      ],
    });
  });

  it.each([
    [['local', 'c.ts', '--plain-function'], '--plain-function needs <name>=<file>'],
    [['local', 'c.ts', '--plain-function', 'p.js'], '--plain-function needs <name>=<file>'],
    [['local', 'c.ts', '--plain-function', 'a=x.js', '--durable-function', 'a=y.ts'], 'Function a is given twice'],
  ])('rejects %j', (argv, message) => {
    expect(() => parseCliArguments(argv)).toThrow(UsageError);
    expect(() => parseCliArguments(argv)).toThrow(message);
  });

  it('runs a workflow whose chained invokes call hosted plain and durable functions; the timeline names the targets', async () => {
    const out = capture();
    const code = await runCli(
      [
        'local',
        path.join(FIXTURES, 'checkout.ts'),
        '--input',
        '{"sku":"tea","qty":2}',
        '--plain-function',
        `pricing=${path.join(FIXTURES, 'pricing.js')}`,
        '--plain-function',
        `refunds=${path.join(FIXTURES, 'refunds.js')}`,
        '--durable-function',
        `fraud=${path.join(FIXTURES, 'fraud.ts')}`,
      ],
      out,
    );
    expect(out.stderr).not.toMatch(/error|failed/i);
    expect(code).toBe(0);
    expect(out.stdout).toContain('"total": 14');
    expect(out.stdout).toMatch(/CHAINED_INVOKE\/ChainedInvoke "quote" -> pricing\s+SUCCEEDED/);
    expect(out.stdout).toMatch(/STEP\/WaitForCondition "stock"\s+SUCCEEDED\s+attempts 3/);
  }, 60_000);

  it('without the target, the invoke fails as "function not found", naming how to host it', async () => {
    const out = capture();
    const code = await runCli(['local', path.join(FIXTURES, 'checkout.ts'), '--input', '{"sku":"tea","qty":2}'], out);
    expect(code).toBe(1);
    expect(out.stdout).toMatch(/Error: {5}InvokeError: Function not found: pricing\. Register the target/);
  }, 60_000);
});
