/**
 * The target functions the chained-invoke requirements call. The runner registers each one under
 * its name (as a durable function, so the service starts it as its own execution and records its
 * `DurableExecutionArn` and `ExecutedVersion`, as the recorded histories show); handlers invoke it
 * through its alias.
 *
 * Example: `await ctx.invoke(ECHO_TARGET, input)`.
 */

/** Returns its input unchanged. */
export const ECHO_TARGET = 'conformance-target-echo:live';

/** Throws `TargetFailure: the target failed on purpose`. */
export const FAILING_TARGET = 'conformance-target-fail:live';

/** Module (in `test/conformance/targets/`) → function name, for the runner. */
export const TARGET_FUNCTIONS: Readonly<Record<string, string>> = {
  echo: 'conformance-target-echo',
  fail: 'conformance-target-fail',
};
