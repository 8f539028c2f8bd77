/**
 * Severity of a log line.
 *
 * @example
 * withDurableExecution(workflow, { logger: { level: 'DEBUG' } });
 */
export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/**
 * One structured log line. Every line names the execution and the operation (or context) it comes
 * from.
 *
 * @example
 * { timestamp: '2026-01-01T00:00:00.000Z', level: 'INFO', message: 'charging', executionArn: 'arn:…', operationId: '1' }
 */
export interface LogRecord {
  readonly timestamp: string;
  readonly level: LogLevel;
  readonly message: string;
  readonly executionArn: string;
  /** Id of the operation or context the line was written from (the EXECUTION id at the root). */
  readonly operationId: string;
  /** Name of that operation, when it has one. */
  readonly operationName?: string;
  /** 1-based attempt number, inside a step. */
  readonly attempt?: number;
  /** Lambda request id of the invocation. */
  readonly requestId?: string;
  /** Extra fields passed by the caller. */
  readonly data?: Record<string, unknown>;
  /** An error passed to `error()`/`warn()`, as name/message/stack. */
  readonly error?: { name: string; message: string; stack?: string };
}

/**
 * Where log records go. The default writes one JSON line per record to the console.
 *
 * @example
 * const lines: LogRecord[] = []; withDurableExecution(workflow, { logger: { sink: (r) => lines.push(r) } });
 */
export type LogSink = (record: LogRecord) => void;

/**
 * The logger handed to workflow code (`ctx.logger`) and step functions. Replay-aware: while a
 * context replays code that already ran in an earlier invocation, its lines are dropped, so each
 * line appears once per execution. Each context decides for itself, so concurrent branches never
 * switch each other's logging on or off.
 *
 * @example
 * ctx.logger.info('charging', { orderId });
 * ctx.logger.error('charge failed', err);
 */
export interface DurableLogger {
  debug(message: string, data?: Record<string, unknown>): void;
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, dataOrError?: Record<string, unknown> | Error): void;
  error(message: string, dataOrError?: Record<string, unknown> | Error): void;
}

/**
 * Logging settings of `withDurableExecution`.
 *
 * @example
 * { level: 'WARN', logDuringReplay: false }
 */
export interface LoggerOptions {
  /** Where lines go. Default: one JSON line per record on the console. */
  readonly sink?: LogSink;
  /** Lowest level written. Default `INFO` (or `AWS_LAMBDA_LOG_LEVEL` when set). */
  readonly level?: LogLevel;
  /** Write lines during replay too (useful to observe re-execution). Default false. */
  readonly logDuringReplay?: boolean;
}

/** Where a logger sits: the fields it stamps on every line and how it knows it is replaying. */
export interface LoggerScope {
  readonly executionArn: string;
  readonly operationId: string;
  readonly operationName?: string;
  readonly attempt?: number;
  readonly requestId?: string;
  /** True while the owning context replays already-recorded code. */
  readonly isReplaying: () => boolean;
}

const LEVEL_ORDER: Record<LogLevel, number> = { DEBUG: 10, INFO: 20, WARN: 30, ERROR: 40 };

/** Creates the logger of one context or step. */
export function createLogger(options: LoggerOptions, scope: LoggerScope): DurableLogger {
  const sink = options.sink ?? consoleSink;
  const threshold = LEVEL_ORDER[options.level ?? levelFromEnvironment()];
  const write = (level: LogLevel, message: string, extra?: Record<string, unknown> | Error): void => {
    if (LEVEL_ORDER[level] < threshold) return;
    if (!options.logDuringReplay && scope.isReplaying()) return;
    const record: {
      -readonly [K in keyof LogRecord]: LogRecord[K];
    } = {
      timestamp: new Date().toISOString(),
      level,
      message: String(message),
      executionArn: scope.executionArn,
      operationId: scope.operationId,
    };
    if (scope.operationName !== undefined) record.operationName = scope.operationName;
    if (scope.attempt !== undefined) record.attempt = scope.attempt;
    if (scope.requestId !== undefined) record.requestId = scope.requestId;
    if (extra instanceof Error) record.error = { name: extra.name, message: extra.message, stack: extra.stack };
    else if (extra !== undefined) record.data = extra;
    try {
      sink(record);
    } catch {
      // A failing sink must never fail the workflow.
    }
  };
  return {
    debug: (message, data) => write('DEBUG', message, data),
    info: (message, data) => write('INFO', message, data),
    warn: (message, dataOrError) => write('WARN', message, dataOrError),
    error: (message, dataOrError) => write('ERROR', message, dataOrError),
  };
}

function levelFromEnvironment(): LogLevel {
  const value = (process.env.AWS_LAMBDA_LOG_LEVEL ?? '').toUpperCase();
  if (value === 'TRACE' || value === 'DEBUG') return 'DEBUG';
  if (value === 'WARN' || value === 'ERROR') return value;
  if (value === 'FATAL') return 'ERROR';
  return 'INFO';
}

/** Writes one JSON line per record; never throws on unserialisable data. */
export const consoleSink: LogSink = (record) => {
  const line = safeStringify(record);
  if (record.level === 'ERROR') console.error(line);
  else if (record.level === 'WARN') console.warn(line);
  else console.log(line);
};

function safeStringify(value: unknown): string {
  const seen = new WeakSet<object>();
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (typeof inner === 'bigint') return inner.toString();
    if (inner !== null && typeof inner === 'object') {
      if (seen.has(inner)) return '[Circular]';
      seen.add(inner);
    }
    return inner;
  });
}
