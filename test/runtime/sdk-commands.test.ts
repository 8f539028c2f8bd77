/**
 * The embedded runtime talks to the service through exactly two commands (protocol.md §9.10:
 * pause, resume and delete add nothing for it to call): checked on the real esbuild bundle of the
 * runtime, with the SDK left external as on Lambda.
 */
import * as path from 'node:path';
import { build } from 'esbuild';

describe('the commands the runtime bundle uses', () => {
  it('references only CheckpointDurableExecutionCommand and GetDurableExecutionStateCommand of @aws-sdk/client-lambda', async () => {
    const result = await build({
      entryPoints: [path.join(__dirname, '../../runtime/index.ts')],
      bundle: true,
      write: false,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['@aws-sdk/*'],
      logLevel: 'silent',
    });
    const code = result.outputFiles[0].text;
    expect(code).toContain('require("@aws-sdk/client-lambda")');
    const commands = new Set([...code.matchAll(/\b([A-Z][A-Za-z]+Command)\b/g)].map((m) => m[1]));
    expect([...commands].sort()).toEqual(['CheckpointDurableExecutionCommand', 'GetDurableExecutionStateCommand']);
  });
});
