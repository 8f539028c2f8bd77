import { Template } from 'aws-cdk-lib/assertions';
import { DurableFunction } from '../../lib';
import { fixture, newApp, newStack, removeOutdirs } from './support';

afterAll(removeOutdirs);

/**
 * The template with what changes whenever the runtime's code changes normalised: the asset hash
 * and the version's logical id, which embeds a hash of the function's properties (its code
 * included).
 */
function normalised(template: Template): unknown {
  const json = JSON.stringify(template.toJSON());
  const key = /"S3Key":"([0-9a-f]{64})\.zip"/.exec(json);
  expect(key).not.toBeNull();
  return JSON.parse(json
    .split(key![1]).join('<asset hash>')
    .replace(/CurrentVersion([0-9A-F]{8})[0-9a-f]{32}/g, 'CurrentVersion$1<function hash>'));
}

test('a minimal stack', () => {
  const stack = newStack(newApp({ bundle: true }), 'Minimal');
  new DurableFunction(stack, 'Orders', { entry: fixture('plain-workflow.ts') });
  expect(normalised(Template.fromStack(stack))).toMatchSnapshot();
});
