/**
 * The REST routes of the Lambda APIs the local service implements, matched the way the SDK
 * builds them (protocol.md §6): each `{Label}` is exactly one raw path segment, decoded only
 * after matching, so an execution ARN that arrives as `arn%3Aaws%3A…%2Fdurable-execution%2F…`
 * stays one label instead of being split at its encoded slashes.
 */
import { HttpServiceError } from './service-errors';

/**
 * The name of each API operation the service answers.
 *
 * @example
 * const operation: OperationName = 'CheckpointDurableExecution';
 */
export type OperationName =
  | 'Invoke'
  | 'CheckpointDurableExecution'
  | 'GetDurableExecutionState'
  | 'GetDurableExecution'
  | 'GetDurableExecutionHistory'
  | 'ListDurableExecutionsByFunction'
  | 'StopDurableExecution'
  | 'SendDurableExecutionCallbackSuccess'
  | 'SendDurableExecutionCallbackFailure'
  | 'SendDurableExecutionCallbackHeartbeat'
  | 'PauseDurableExecution'
  | 'ResumeDurableExecution'
  | 'DeleteDurableExecution';

interface RouteDefinition {
  readonly operation: OperationName;
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** Path segments; `{Name}` marks a label. */
  readonly segments: readonly string[];
}

function route(operation: OperationName, method: RouteDefinition['method'], template: string): RouteDefinition {
  return { operation, method, segments: template.split('/').filter((s) => s.length > 0) };
}

/**
 * Every route, exactly as `@aws-sdk/client-lambda` writes them (pause, resume and delete from 3.1178).
 *
 * @example
 * ROUTES.map((r) => `${r.method} /${r.segments.join('/')}`);
 */
export const ROUTES: readonly RouteDefinition[] = [
  route('Invoke', 'POST', '/2015-03-31/functions/{FunctionName}/invocations'),
  route('CheckpointDurableExecution', 'POST', '/2025-12-01/durable-executions/{DurableExecutionArn}/checkpoint'),
  route('GetDurableExecutionState', 'GET', '/2025-12-01/durable-executions/{DurableExecutionArn}/state'),
  route('GetDurableExecution', 'GET', '/2025-12-01/durable-executions/{DurableExecutionArn}'),
  route('GetDurableExecutionHistory', 'GET', '/2025-12-01/durable-executions/{DurableExecutionArn}/history'),
  route('ListDurableExecutionsByFunction', 'GET', '/2025-12-01/functions/{FunctionName}/durable-executions'),
  route('StopDurableExecution', 'POST', '/2025-12-01/durable-executions/{DurableExecutionArn}/stop'),
  route('SendDurableExecutionCallbackSuccess', 'POST', '/2025-12-01/durable-execution-callbacks/{CallbackId}/succeed'),
  route('SendDurableExecutionCallbackFailure', 'POST', '/2025-12-01/durable-execution-callbacks/{CallbackId}/fail'),
  route('SendDurableExecutionCallbackHeartbeat', 'POST', '/2025-12-01/durable-execution-callbacks/{CallbackId}/heartbeat'),
  route('PauseDurableExecution', 'POST', '/2025-12-01/durable-executions/{DurableExecutionArn}/pause'),
  route('ResumeDurableExecution', 'POST', '/2025-12-01/durable-executions/{DurableExecutionArn}/resume'),
  route('DeleteDurableExecution', 'DELETE', '/2025-12-01/durable-executions/{DurableExecutionArn}'),
];

/**
 * A matched route: the operation and its decoded path labels.
 *
 * @example
 * const { operation, labels } = matchRoute('POST', rawPath);
 */
export interface RouteMatch {
  readonly operation: OperationName;
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * Finds the operation for a method and raw (still percent-encoded) path.
 *
 * @throws HttpServiceError `UnknownOperationException` (404) when no route has this path or the
 *   path exists only for another method; `InvalidParameterValueException` when a label is not
 *   valid percent-encoding.
 * @example
 * matchRoute('GET', '/2025-12-01/durable-executions/arn%3Aaws%3Alambda%3A…%2Fid/state');
 * // → { operation: 'GetDurableExecutionState', labels: { DurableExecutionArn: 'arn:aws:lambda:…/id' } }
 */
export function matchRoute(method: string, rawPath: string): RouteMatch {
  const segments = rawPath.split('/').slice(1);
  const allowedMethods: string[] = [];
  for (const candidate of ROUTES) {
    const rawLabels = matchSegments(candidate.segments, segments);
    if (rawLabels === undefined) {
      continue;
    }
    if (candidate.method !== method.toUpperCase()) {
      allowedMethods.push(candidate.method);
      continue;
    }
    const labels: Record<string, string> = {};
    for (const [name, raw] of Object.entries(rawLabels)) {
      labels[name] = decodeLabel(name, raw);
    }
    return { operation: candidate.operation, labels };
  }
  if (allowedMethods.length > 0) {
    throw new HttpServiceError(
      'UnknownOperationException',
      `Method ${method} is not supported on ${rawPath}; use ${allowedMethods.join(' or ')}.`,
    );
  }
  throw new HttpServiceError(
    'UnknownOperationException',
    `Unknown operation ${method} ${rawPath}. The local service implements Invoke and the durable-execution APIs of 2025-12-01.`,
  );
}

function matchSegments(template: readonly string[], actual: readonly string[]): Record<string, string> | undefined {
  if (template.length !== actual.length) {
    return undefined;
  }
  const labels: Record<string, string> = {};
  for (let i = 0; i < template.length; i++) {
    const expected = template[i];
    if (expected.startsWith('{') && expected.endsWith('}')) {
      if (actual[i].length === 0) {
        return undefined;
      }
      labels[expected.slice(1, -1)] = actual[i];
    } else if (expected !== actual[i]) {
      return undefined;
    }
  }
  return labels;
}

function decodeLabel(name: string, raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new HttpServiceError(
      'InvalidParameterValueException',
      `Path parameter ${name} is not valid percent-encoding: '${raw}'.`,
    );
  }
}
