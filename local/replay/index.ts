/**
 * The replay gate: prove before deploying that new workflow code replays the executions already
 * in flight.
 *
 * @example
 * import { replayHistories, formatReplayReports } from 'cdk-durable-function/local';
 * const reports = await replayHistories({ entry: 'src/orders.ts', histories: ['histories/order-1.json'] });
 * console.log(formatReplayReports(reports));
 */
export {
  replayHistories,
  ReplayInputError,
  REPLAY_ONLY_EVENT_KEY,
  type ReplayDivergence,
  type ReplayedOperation,
  type ReplayOptions,
  type ReplayReport,
} from './replay-engine';
export { ReplayCodeError, type ReplayCodeSource } from './replay-bundle';
export { recordedState, type RecordedState } from './recorded-state';
export { formatReplayReport, formatReplayReports } from './report-format';
export { exportHistory } from './export-history';
