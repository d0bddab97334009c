import type { RandomSource } from './deps';

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';
/** Symbols Cognito's password policy counts as special characters, without quotes or backslashes. */
const SYMBOLS = '!@#$%^&*()-_=+[]{}:;,.?~';

/** A uniform index below `size` (rejection sampling: no modulo bias). */
function randomIndex(random: RandomSource, size: number): number {
  const limit = 256 - (256 % size);
  for (;;) {
    const byte = random(1)[0] ?? 0;
    if (byte < limit) return byte % size;
  }
}

const pick = (random: RandomSource, alphabet: string): string =>
  alphabet[randomIndex(random, alphabet.length)] as string;

/** Lower-case letters and digits, for the throwaway user's e-mail and team id. */
export function randomId(random: RandomSource, length = 12): string {
  return Array.from({ length }, () => pick(random, LOWER + DIGITS)).join('');
}

/**
 * A password the pool's policy accepts (lib/constructs/user-directory.ts: at least 12 characters with
 * upper, lower, digit and symbol): one of each class, the rest from all of them, shuffled.
 */
export function strongPassword(random: RandomSource, length = 24): string {
  const all = LOWER + UPPER + DIGITS + SYMBOLS;
  const chars = [
    pick(random, LOWER),
    pick(random, UPPER),
    pick(random, DIGITS),
    pick(random, SYMBOLS),
    ...Array.from({ length: length - 4 }, () => pick(random, all)),
  ];
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomIndex(random, i + 1);
    [chars[i], chars[j]] = [chars[j] as string, chars[i] as string];
  }
  return chars.join('');
}
