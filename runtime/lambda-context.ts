/**
 * The Lambda context object handed to the handler (the fields this runtime and user code commonly
 * read). Declared here so the runtime does not depend on `@types/aws-lambda`.
 *
 * @example
 * ctx.lambdaContext?.getRemainingTimeInMillis();
 */
export interface LambdaContext {
  readonly functionName?: string;
  readonly functionVersion?: string;
  readonly invokedFunctionArn?: string;
  readonly memoryLimitInMB?: string;
  readonly awsRequestId?: string;
  readonly logGroupName?: string;
  readonly logStreamName?: string;
  getRemainingTimeInMillis?(): number;
}
