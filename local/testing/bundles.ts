/**
 * The bundle a `DurableFunction` synthesized, found without the CDK CLI: the function's code asset
 * is staged (bundled) when the construct is created, and its staging knows where it put it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { IConstruct } from 'constructs';
import type { DurableFunction } from '../../lib/function';

/**
 * A synthesized function bundle and the settings to host it with, as the construct configured it.
 *
 * @example
 * const bundle = bundleOf(orders);
 * await LocalTestRunner.create({ bundle });
 */
export interface FunctionBundle {
  /** A function name for the local service (the construct id). */
  readonly name: string;
  /** The bundled CommonJS file (`…/asset.<hash>/index.js`). */
  readonly bundlePath: string;
  /** The export Lambda calls. */
  readonly handler: string;
  /** The durable execution timeout, in seconds. */
  readonly executionTimeoutSeconds: number;
  /** The function timeout, in seconds (when set on the construct). */
  readonly timeoutSeconds?: number;
  /** The environment variables whose values are plain strings (tokens are only known at deploy time). */
  readonly environment: Readonly<Record<string, string>>;
}

/**
 * The bundle of a `DurableFunction`, as `cdk synth` would deploy it.
 *
 * @throws Error when the function's code was not bundled (its stack is not being synthesized,
 *   e.g. with `cdk deploy OtherStack`), saying how to fix it.
 * @example
 * const app = new App();
 * const stack = new Stack(app, 'Orders');
 * const orders = new DurableFunction(stack, 'Orders', { entry: 'src/orders.ts' });
 * const bundle = bundleOf(orders);
 */
export function bundleOf(fn: DurableFunction): FunctionBundle {
  const asset = fn.node.tryFindChild('Code');
  const staging = asset?.node.tryFindChild('Stage') as (IConstruct & { readonly absoluteStagedPath?: unknown }) | undefined;
  const folder = staging?.absoluteStagedPath;
  const handlerString = fn.runtime !== undefined ? handlerOf(fn) : 'index.handler';
  const dot = handlerString.lastIndexOf('.');
  const file = typeof folder === 'string' ? path.join(folder, `${handlerString.slice(0, dot)}.js`) : undefined;
  if (file === undefined || !fs.existsSync(file)) {
    throw new Error(
      `The code of ${fn.node.path} was not bundled${file === undefined ? '' : ` (no ${file})`}. bundleOf needs a DurableFunction whose stack is ` +
        "synthesized: create it in a plain `new App()` (not one with the 'aws:cdk:bundling-stacks' context excluding its stack).",
    );
  }
  return {
    name: fn.node.id.replace(/[^a-zA-Z0-9_-]/g, '-').slice(0, 64) || 'function',
    bundlePath: file,
    handler: handlerString.slice(dot + 1),
    executionTimeoutSeconds: fn.executionTimeout.toSeconds(),
    ...(fn.timeout !== undefined ? { timeoutSeconds: fn.timeout.toSeconds() } : {}),
    environment: environmentOf(fn),
  };
}

/** The function's plain-string environment variables, as they resolve in its template. */
function environmentOf(fn: DurableFunction): Record<string, string> {
  const cfn = fn.node.defaultChild as (IConstruct & { readonly environment?: unknown }) | undefined;
  // The nearest stack resolves the lazy value lambda.Function keeps its variables in.
  const stack = [...fn.node.scopes].reverse().find((scope) => typeof (scope as { resolve?: unknown }).resolve === 'function' && 'templateOptions' in scope) as
    | (IConstruct & { resolve(value: unknown): unknown })
    | undefined;
  const resolved = stack?.resolve(cfn?.environment) as { variables?: Record<string, unknown> } | undefined;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(resolved?.variables ?? {})) {
    if (typeof value === 'string') out[key] = value;
  }
  return out;
}

/**
 * The bundle of the `DurableFunction` at `id` in `stack` (a construct id, or a path below the
 * stack such as `Orders/Approvals`).
 *
 * @throws Error when there is no DurableFunction there, listing the ones found.
 * @example
 * const bundle = fromStack(new OrdersStack(new App(), 'OrdersStack'), 'Orders');
 */
export function fromStack(stack: IConstruct, id: string): FunctionBundle {
  let node: IConstruct | undefined = stack;
  for (const part of id.split('/')) {
    node = node?.node.tryFindChild(part);
  }
  if (node === undefined || !isDurableFunction(node)) {
    const found = stack.node
      .findAll()
      .filter(isDurableFunction)
      .map((fn) => fn.node.path.slice(stack.node.path.length + 1));
    throw new Error(
      `${stack.node.path || 'The stack'} has no DurableFunction at '${id}'${node !== undefined ? ` (${node.node.path} is something else)` : ''}. ` +
        `DurableFunctions in it: ${found.length > 0 ? found.join(', ') : 'none'}.`,
    );
  }
  return bundleOf(node);
}

function isDurableFunction(construct: IConstruct): construct is DurableFunction {
  const candidate = construct as Partial<DurableFunction>;
  return candidate.alias !== undefined && candidate.checkpointPolicy !== undefined && candidate.executionTimeout !== undefined;
}

/** The Lambda `Handler` string of the function (`index.handler`). */
function handlerOf(fn: DurableFunction): string {
  const cfn = fn.node.defaultChild as (IConstruct & { readonly handler?: unknown }) | undefined;
  return typeof cfn?.handler === 'string' ? cfn.handler : 'index.handler';
}
