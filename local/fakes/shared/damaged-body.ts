/**
 * A JSON answer spoiled the ways a real one can be on its way to a client, for the fakes' faults:
 * `malformed` — a bare word right after the opening brace (a syntax error wherever the client looks);
 * `truncated` — the body cut short half way and sent as if complete (its content-length fits the cut body);
 * `misshapen` — still JSON, but of another shape: the first record (the first item of the answer's first
 * non-empty list) is a number, as an API that changed its answer would send (an answer without a list: `[]`).
 */
export type BodyDamage = 'malformed' | 'truncated' | 'misshapen';

export const BODY_DAMAGES: readonly BodyDamage[] = ['malformed', 'truncated', 'misshapen'];

export function damageBody(text: string, damage: BodyDamage): string {
  if (damage === 'truncated') return text.slice(0, Math.max(1, Math.floor(text.length / 2)));
  if (damage === 'misshapen') return misshapen(text);
  const open = /^\s*[[{]/.exec(text)?.[0].length ?? 0;
  return `${text.slice(0, open)} this is not json, ${text.slice(open)}`;
}

function misshapen(text: string): string {
  const answer = JSON.parse(text) as unknown;
  if (typeof answer === 'object' && answer !== null && !Array.isArray(answer)) {
    for (const value of Object.values(answer)) {
      if (Array.isArray(value) && value.length > 0) {
        value[0] = 0;
        return JSON.stringify(answer);
      }
    }
  }
  return '[]';
}
