/**
 * Counts each execution's data-plane traffic as the local service's HTTP server sees it:
 * CheckpointDurableExecution and GetDurableExecutionState calls and the bytes that crossed the
 * socket, keyed by the execution ARN in the request path.
 */
import type { ObservedRequest, RequestObserver } from '../../local';

/** Traffic of one execution. */
export interface TrafficFigures {
  readonly checkpointCalls: number;
  readonly getStateCalls: number;
  /** Request bodies of both operations (the JSON the runtime sent). */
  readonly requestBodyBytes: number;
  /** Request lines and headers of both operations (SigV4, user agent, …). */
  readonly requestHeaderBytes: number;
  /** Response bodies of both operations. */
  readonly responseBodyBytes: number;
}

const EMPTY: TrafficFigures = { checkpointCalls: 0, getStateCalls: 0, requestBodyBytes: 0, requestHeaderBytes: 0, responseBodyBytes: 0 };

/**
 * Collects traffic per execution; pass {@link TrafficMeter.observer} as the service's `onRequest`.
 *
 * @example
 * const meter = new TrafficMeter();
 * const svc = await LocalDurableService.start({ onRequest: meter.observer });
 * // … run an execution …
 * meter.of(run.executionArn).checkpointCalls;
 */
export class TrafficMeter {
  private readonly byExecution = new Map<string, TrafficFigures>();

  /** The service's request observer. */
  readonly observer: RequestObserver = (request: ObservedRequest) => {
    const arn = request.labels.DurableExecutionArn;
    const isCheckpoint = request.operation === 'CheckpointDurableExecution';
    if (arn === undefined || (!isCheckpoint && request.operation !== 'GetDurableExecutionState')) {
      return;
    }
    const so = this.byExecution.get(arn) ?? EMPTY;
    this.byExecution.set(arn, {
      checkpointCalls: so.checkpointCalls + (isCheckpoint ? 1 : 0),
      getStateCalls: so.getStateCalls + (isCheckpoint ? 0 : 1),
      requestBodyBytes: so.requestBodyBytes + request.requestBodyBytes,
      requestHeaderBytes: so.requestHeaderBytes + request.requestHeaderBytes,
      responseBodyBytes: so.responseBodyBytes + request.responseBodyBytes,
    });
  };

  /** The traffic of one execution so far (zeros when it made no call). */
  of(executionArn: string): TrafficFigures {
    return this.byExecution.get(executionArn) ?? EMPTY;
  }
}
