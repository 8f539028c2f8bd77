/**
 * What the CLI prints about an execution.
 */
import type { ExecutionRun } from '../local-service';

/**
 * The report printed for a finished execution.
 *
 * @example
 * process.stdout.write(formatRun(run));
 */
export function formatRun(run: ExecutionRun): string {
  const lines = [`Execution: ${run.executionArn}`, `Status:    ${run.status}`];
  if (run.status === 'SUCCEEDED') {
    lines.push(`Result:    ${run.resultPayload === undefined ? '(none)' : JSON.stringify(run.result, null, 2).replace(/\n/g, '\n           ')}`);
  } else if (run.error !== undefined) {
    lines.push(`Error:     ${run.error.ErrorType ?? 'Error'}: ${run.error.ErrorMessage ?? '(no message)'}`);
  }
  lines.push('', 'Timeline:', ...run.timeline.split('\n').map((line) => `  ${line}`), '');
  return lines.join('\n');
}

/**
 * An invocation error with its stack, indented, for stderr.
 *
 * @example
 * output.write('stderr', formatInvocationError(1, { ErrorType: 'TypeError', ErrorMessage: 'x is not a function' }));
 */
export function formatInvocationError(
  invocationNumber: number,
  error: { readonly ErrorType?: string; readonly ErrorMessage?: string; readonly StackTrace?: readonly string[] },
): string {
  const stack = (error.StackTrace ?? [])
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => `    ${line.startsWith('at ') ? line : `at ${line}`}`);
  return [`Invocation ${invocationNumber} failed: ${error.ErrorType ?? 'Error'}: ${error.ErrorMessage ?? '(no message)'}`, ...stack, ''].join('\n');
}
