import { DurableFunction, DurableFunctionValidationError, type DurableFunctionProps } from '../../lib';
import { describeNonFunctionExport } from '../../lib/private/entry-check';
import { fixture, newApp, newStack, removeOutdirs } from './support';

afterAll(removeOutdirs);

function synth(props: DurableFunctionProps): unknown {
  const stack = newStack(newApp({ bundle: true }));
  try {
    new DurableFunction(stack, 'Orders', props);
    return undefined;
  } catch (err) {
    return err;
  }
}

describe('the handler export is checked at synth without running the entry', () => {
  test('`export const handler = 42` is refused, naming the entry, the value and the fix', () => {
    const err = synth({ entry: fixture('number-handler.ts') });
    expect(err).toBeInstanceOf(DurableFunctionValidationError);
    const error = err as DurableFunctionValidationError;
    expect(error.prop).toBe('handler');
    expect(error.message).toContain('test/fixtures/lib/number-handler.ts exports "handler" as the number 42, not a function');
    expect(error.message).toContain('Export the workflow function');
    // The fixture throws when run: the check only read esbuild's output.
    expect(error.message).not.toContain('was executed');
  });

  test('an object literal under a custom handler name is refused too', () => {
    const err = synth({ entry: fixture('number-handler.ts'), handler: 'process2' }) as Error;
    expect(err).toBeInstanceOf(DurableFunctionValidationError);
    expect(err.message).toContain('exports "process2" as an object literal, not a function');
  });

  test('exports that may be functions are accepted: a function, a wrapped handler, a binding assigned later', () => {
    expect(synth({ entry: fixture('plain-workflow.ts') })).toBeUndefined();
    expect(synth({ entry: fixture('wrapped-workflow.ts') })).toBeUndefined();
    expect(synth({ entry: fixture('late-bound-handler.ts') })).toBeUndefined();
  });

  test.each([
    ['var handler = 42;', 'the number 42'],
    ['var handler = "x";', 'the string "x"'],
    ['var handler = true;', 'the boolean true'],
    ['var handler = null;', 'null'],
    ['var handler = [1];', 'an array'],
    ['var handler = { a: 1 };', 'an object literal'],
    ['var handler = async () => 1;', undefined],
    ['var handler = withDurableExecution(run);', undefined],
    ['var handler = other;', undefined],
  ])('reads `%s` as %s', (declaration, expected) => {
    expect(describeNonFunctionExport(`${declaration}\nexport {\n  handler\n};\n`, 'handler')).toBe(expected);
  });
});
