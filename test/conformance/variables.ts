/**
 * Generation of a requirement's `Variables` and substitution of variables into its input.
 *
 * Example:
 * ```ts
 * const vars = generateVariables({ INPUT_1: '${GEN_STR:8}' }); // { INPUT_1: 'k3j9a0qz' }
 * substitute('${INPUT_1}', vars);                            // 'k3j9a0qz'
 * ```
 */
import { randomInt } from 'crypto';

/** A variable's generator is not one this runner knows. */
export class VariableGeneratorError extends Error {
  override readonly name = 'VariableGeneratorError';
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A random lowercase alphanumeric string of length `n`. */
export function randomLowerAlnum(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return s;
}

/** Produces one value from a generator template such as `${GEN_STR:8}`. */
export function generateValue(name: string, template: string): string {
  const m = /^\$\{GEN_STR:(\d+)\}$/.exec(template.trim());
  if (!m) {
    throw new VariableGeneratorError(
      `Variable ${name} uses the unknown generator ${JSON.stringify(template)}; the runner knows \${GEN_STR:n}`);
  }
  const n = Number(m[1]);
  if (n < 1 || n > 4096) {
    throw new VariableGeneratorError(`Variable ${name} asks for a string of length ${n}; use 1..4096`);
  }
  return randomLowerAlnum(n);
}

/** Generates every variable of a requirement. */
export function generateVariables(templates: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, t] of Object.entries(templates)) out[name] = generateValue(name, t);
  return out;
}

const PLACEHOLDER = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * Replaces `${NAME}` with the variable's value inside a template value (recursively through lists
 * and mappings). A string that is exactly one placeholder becomes the value itself.
 */
export function substitute(template: unknown, vars: Readonly<Record<string, unknown>>): unknown {
  if (typeof template === 'string') {
    const whole = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(template);
    if (whole) {
      if (!(whole[1] in vars)) throw new VariableGeneratorError(`The input uses \${${whole[1]}}, which Variables does not define`);
      return vars[whole[1]];
    }
    return template.replace(PLACEHOLDER, (_m, name: string) => {
      if (!(name in vars)) throw new VariableGeneratorError(`The input uses \${${name}}, which Variables does not define`);
      return String(vars[name]);
    });
  }
  if (Array.isArray(template)) return template.map((t) => substitute(t, vars));
  if (typeof template === 'object' && template !== null) {
    return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, substitute(v, vars)]));
  }
  return template;
}
