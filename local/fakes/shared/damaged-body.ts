/**
 * A JSON answer spoiled the ways a real one can be on its way to a client, for the fakes' faults:
 * `malformed` — a bare word right after the opening brace (a syntax error wherever the client looks);
 * `truncated` — the body cut short half way and sent as if complete (its content-length fits the cut body).
 */
export type BodyDamage = 'malformed' | 'truncated';

export const BODY_DAMAGES: readonly BodyDamage[] = ['malformed', 'truncated'];

export function damageBody(text: string, damage: BodyDamage): string {
  if (damage === 'truncated') return text.slice(0, Math.max(1, Math.floor(text.length / 2)));
  const open = /^\s*[[{]/.exec(text)?.[0].length ?? 0;
  return `${text.slice(0, open)} this is not json, ${text.slice(open)}`;
}
