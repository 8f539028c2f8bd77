import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as cdk from 'aws-cdk-lib';
import { Annotations, Template } from 'aws-cdk-lib/assertions';
import { DurableFunction, type DurableFunctionProps } from '../../lib';

/** Absolute path of a workflow fixture. */
export function fixture(name: string): string {
  return path.join(__dirname, '..', 'fixtures', 'lib', name);
}

/** A fresh temporary cloud assembly directory, removed by {@link removeOutdirs}. */
const outdirs: string[] = [];
export function tempOutdir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-fn-test-'));
  outdirs.push(dir);
  return dir;
}

/** A fresh project folder (package.json plus `files`), outside the repository,
 * removed by {@link removeOutdirs}. */
export function project(files: Record<string, string>): string {
  const dir = tempOutdir();
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'user-project', version: '1.0.0', private: true }));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

/** Removes every directory {@link tempOutdir} handed out (call from `afterAll`). */
export function removeOutdirs(): void {
  for (const dir of outdirs.splice(0)) {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * An app whose stacks bundle (the default), or skip bundling entirely — CDK's own switch for
 * `cdk deploy OtherStack`, used where a test is about the template, not about the code.
 */
export function newApp(options: { bundle: boolean }): cdk.App {
  return new cdk.App({
    outdir: tempOutdir(),
    context: options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] },
  });
}

/** A stack with a concrete account and region, so ARNs in assertions are readable. */
export function newStack(app: cdk.App, id = 'TestStack'): cdk.Stack {
  return new cdk.Stack(app, id, { env: { account: '123456789012', region: 'eu-west-1' } });
}

/** The single resource of `type` whose logical id starts with `prefix`. */
export function logicalIdOf(template: Template, type: string, prefix: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
  if (ids.length !== 1) {
    throw new Error(`expected one ${type} whose logical id starts with ${prefix}, found ${ids.length}: ${ids.join(', ')}`);
  }
  return ids[0];
}

/** `Fn::GetAtt` of a resource's ARN. */
export function arnOf(logicalId: string): Record<string, unknown> {
  return { 'Fn::GetAtt': [logicalId, 'Arn'] };
}

/** The CloudFormation value of `<function arn>:*`. */
export function allQualifiers(functionLogicalId: string): Record<string, unknown> {
  return { 'Fn::Join': ['', [arnOf(functionLogicalId), ':*']] };
}

/**
 * The logical ids each resource of a template refers to: through `Ref`, `Fn::GetAtt`, `Fn::Sub`
 * placeholders and `DependsOn`. Parameters and pseudo parameters are left out: only resources can
 * form a deployment cycle.
 */
export function resourceDependencies(template: Record<string, unknown>): Map<string, Set<string>> {
  const resources = (template.Resources ?? {}) as Record<string, { DependsOn?: string | string[] }>;
  const ids = new Set(Object.keys(resources));
  const graph = new Map<string, Set<string>>();
  for (const [id, resource] of Object.entries(resources)) {
    const refs = new Set<string>();
    collectReferences(resource, refs);
    const dependsOn = resource.DependsOn === undefined ? [] : ([] as string[]).concat(resource.DependsOn);
    dependsOn.forEach((d) => refs.add(d));
    graph.set(id, new Set([...refs].filter((r) => ids.has(r))));
  }
  return graph;
}

function collectReferences(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) {
    value.forEach((v) => collectReferences(v, into));
    return;
  }
  if (value === null || typeof value !== 'object') {
    return;
  }
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    if (key === 'Ref' && typeof inner === 'string') {
      into.add(inner);
    } else if (key === 'Fn::GetAtt') {
      const target = Array.isArray(inner) ? inner[0] : String(inner).split('.')[0];
      if (typeof target === 'string') {
        into.add(target);
      }
    } else if (key === 'Fn::Sub') {
      const text = Array.isArray(inner) ? inner[0] : inner;
      if (typeof text === 'string') {
        for (const match of text.matchAll(/\$\{([A-Za-z0-9]+)(?:\.[A-Za-z0-9.]+)?\}/g)) {
          into.add(match[1]);
        }
      }
      if (Array.isArray(inner)) {
        collectReferences(inner[1], into);
      }
    } else {
      collectReferences(inner, into);
    }
  }
}

/** The directory of a function's code asset in a synthesized cloud assembly. */
export function functionAssetDir(assemblyDir: string, template: Template, functionLogicalId: string): string {
  const fn = template.toJSON().Resources[functionLogicalId] as { Properties: { Code: { S3Key: string } } };
  const hash = fn.Properties.Code.S3Key.replace(/\.zip$/, '');
  return path.join(assemblyDir, `asset.${hash}`);
}

/** One function synthesized with bundling: its template, annotations and code asset. */
export interface SynthesizedFunction {
  readonly template: Template;
  readonly annotations: Annotations;
  readonly assetDir: string;
  /** A file of the asset, as text. */
  readonly file: (name: string) => string;
  /** The asset's file names, sorted. */
  readonly files: () => string[];
}

/** Synthesizes one `DurableFunction` (id `Fn`) in a bundling app; returns its template, annotations and asset. */
export function synthOneFunction(props: DurableFunctionProps): SynthesizedFunction {
  const app = newApp({ bundle: true });
  const stack = newStack(app);
  new DurableFunction(stack, 'Fn', props);
  const assembly = app.synth();
  const template = Template.fromStack(stack);
  const assetDir = functionAssetDir(assembly.directory, template, logicalIdOf(template, 'AWS::Lambda::Function', 'Fn'));
  return {
    template,
    annotations: Annotations.fromStack(stack),
    assetDir,
    file: (name) => fs.readFileSync(path.join(assetDir, name), 'utf8'),
    files: () => fs.readdirSync(assetDir).sort(),
  };
}

/**
 * Loads a bundle the way Lambda does: as a fresh CommonJS module, required again on every call
 * (so a module-level error is thrown each time, as on every cold start).
 */
export function loadFresh(file: string): { handler: unknown } {
  let loaded: { handler: unknown } | undefined;
  jest.isolateModules(() => {
    // A path known only at run time: an import statement cannot name it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require(file) as { handler: unknown };
  });
  return loaded!;
}
