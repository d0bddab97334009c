import type { z } from 'zod';
import { ANSWER_ISSUES_SHOWN, ProviderResponseError, type AnswerIssue } from '../domain/errors';

/**
 * Reading a provider's answer with its zod schema: a value that does not match throws ProviderResponseError
 * (`unexpected_shape`) naming where it differs and zod's rule, never the value (decision 95).
 */

type Schema = z.core.$ZodType;
type Segment = PropertyKey;

/** Longest rule kept of one issue (zod's own messages are short; a custom one might not be). */
const RULE_CHARS = 100;
/** Schemas followed through unions at one step of a path: far more than any provider schema has. */
const MAX_CANDIDATES = 32;

/** The schemas a value may be checked by once wrappers are looked through (optional, default, unions, pipes…). */
function unwrapped(schemas: readonly Schema[]): Schema[] {
  const found: Schema[] = [];
  const queue = [...schemas];
  while (queue.length && found.length < MAX_CANDIDATES) {
    const schema = queue.shift() as Schema;
    const def = schema._zod.def as z.core.$ZodTypeDef & Record<string, unknown>;
    switch (def.type) {
      case 'optional':
      case 'nullable':
      case 'default':
      case 'prefault':
      case 'nonoptional':
      case 'catch':
      case 'readonly':
        queue.push(def.innerType as Schema);
        break;
      case 'pipe':
        queue.push(def.in as Schema, def.out as Schema);
        break;
      case 'lazy':
        queue.push((def.getter as () => Schema)());
        break;
      case 'union':
        queue.push(...(def.options as Schema[]));
        break;
      case 'intersection':
        queue.push(def.left as Schema, def.right as Schema);
        break;
      default:
        found.push(schema);
    }
  }
  return found;
}

/**
 * One step down a path: the schemas of the value at `segment`, and whether the segment is a name the schema
 * itself declares (an object's field). A record's key or an unknown field is the provider's own data.
 */
function step(schemas: readonly Schema[], segment: Segment): { next: Schema[]; declared: boolean } {
  const next: Schema[] = [];
  let declared = false;
  for (const schema of unwrapped(schemas)) {
    const def = schema._zod.def as z.core.$ZodTypeDef & Record<string, unknown>;
    if (def.type === 'object') {
      const shape = def.shape as Record<string, Schema>;
      if (typeof segment === 'string' && Object.hasOwn(shape, segment)) {
        next.push(shape[segment] as Schema);
        declared = true;
      } else if (def.catchall) next.push(def.catchall as Schema);
    } else if (def.type === 'array' && typeof segment === 'number') next.push(def.element as Schema);
    else if (def.type === 'tuple' && typeof segment === 'number') {
      const item = (def.items as Schema[])[segment] ?? (def.rest as Schema | null);
      if (item) next.push(item);
    } else if (def.type === 'record') next.push(def.valueType as Schema);
  }
  return { next, declared };
}

/** A path's segments written as this project names paths (`data[3].date`); null is a segment not repeated. */
function written(segments: readonly (string | number | null)[]): string {
  return segments
    .map((segment, index) =>
      typeof segment === 'number'
        ? `[${segment}]`
        : segment === null
          ? '[…]'
          : `${index ? '.' : ''}${segment}`,
    )
    .join('');
}

/**
 * A path of an answer, written: indexes and the fields the schema declares are shown; any other segment (a
 * record's key, which is the provider's data) shows as `[…]`. `prefix` (our own words) comes first.
 */
export function answerPath(
  schema: Schema,
  path: readonly Segment[],
  prefix: readonly (string | number)[] = [],
): string {
  let schemas: Schema[] = [schema];
  const segments: (string | number | null)[] = [...prefix];
  for (const segment of path) {
    const { next, declared } = step(schemas, segment);
    segments.push(typeof segment === 'number' ? segment : declared ? String(segment) : null);
    schemas = next;
  }
  return written(segments);
}

/** zod's rule, without values: an unknown key's name is the provider's data, so it is not repeated. */
function ruleOf(issue: z.core.$ZodIssue): string {
  const rule =
    issue.code === 'unrecognized_keys'
      ? `${issue.keys.length === 1 ? 'a field' : `${issue.keys.length} fields`} this version does not know`
      : issue.message.replace(/^Invalid input: /, '');
  return rule.length <= RULE_CHARS ? rule : `${rule.slice(0, RULE_CHARS - 1)}…`;
}

/**
 * zod's issues as places of an answer (the first ANSWER_ISSUES_SHOWN, the rest counted). `within` names what
 * the value is part of, in our words (a file and line); `prefix` is its path in the whole answer (`data`, 3).
 */
export function answerIssues(
  schema: Schema,
  issues: readonly z.core.$ZodIssue[],
  within?: { label?: string; prefix?: readonly (string | number)[] },
): { issues: AnswerIssue[]; more: number } {
  const prefix = within?.prefix ?? [];
  const shown = issues.slice(0, ANSWER_ISSUES_SHOWN).map((issue) => {
    const path = answerPath(schema, issue.path, prefix);
    const where = [within?.label, path ? `at ${path}` : ''].filter(Boolean).join(', ');
    return { where, rule: ruleOf(issue) };
  });
  return { issues: shown, more: Math.max(0, issues.length - shown.length) };
}

/**
 * `value` read with `schema`: its output, or ProviderResponseError (`unexpected_shape`) saying where and which
 * rule, never what was found. `within` places a part of an answer in the whole (`{ prefix: ['data', 3] }`).
 */
export function readAnswer<S extends Schema>(
  schema: S,
  value: unknown,
  within?: { label?: string; prefix?: readonly (string | number)[] },
): z.core.output<S> {
  const parsed = (schema as unknown as z.ZodType<z.core.output<S>>).safeParse(value);
  if (parsed.success) return parsed.data;
  const { issues, more } = answerIssues(schema, parsed.error.issues, within);
  throw new ProviderResponseError('unexpected_shape', issues, more);
}
