/**
 * How an invocation ends early, before the workflow function settles.
 *
 * - `suspend`: everything left waits on the service; return `{Status: "PENDING"}`.
 * - `fail`: the execution cannot continue (non-determinism, a terminal checkpoint error); return FAILED.
 * - `throw`: a retryable or stale-token checkpoint failure; the handler throws so the service invokes again.
 */
export type TerminationOutcome =
  | { readonly kind: 'suspend' }
  | { readonly kind: 'fail'; readonly error: Error }
  | { readonly kind: 'throw'; readonly error: Error };

/**
 * The one-shot signal that ends the invocation. The first outcome wins; later ones are ignored, so
 * e.g. a second failing branch cannot turn a FAILED into a thrown invocation error.
 */
export class Termination {
  readonly outcome: Promise<TerminationOutcome>;
  private settle!: (outcome: TerminationOutcome) => void;
  private decided: TerminationOutcome | undefined;
  private readonly listeners: Array<(outcome: TerminationOutcome) => void> = [];

  constructor() {
    this.outcome = new Promise((resolve) => {
      this.settle = resolve;
    });
  }

  /** The outcome, once decided. */
  get current(): TerminationOutcome | undefined {
    return this.decided;
  }

  get terminated(): boolean {
    return this.decided !== undefined;
  }

  terminate(outcome: TerminationOutcome): void {
    if (this.decided) return;
    this.decided = outcome;
    for (const listener of this.listeners) listener(outcome);
    this.settle(outcome);
  }

  /** Runs `listener` synchronously when the invocation is terminated. */
  onTerminate(listener: (outcome: TerminationOutcome) => void): void {
    if (this.decided) listener(this.decided);
    else this.listeners.push(listener);
  }
}
