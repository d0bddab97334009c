/**
 * The people of the demo organisation, shared by every fake so one person is the same person in each tool:
 * the same e-mail in Claude Code and Cursor, and a GitHub login of their own making in Copilot. The demo
 * roster (local/demo-roster.ts) lists them.
 */
export const EMAIL_DOMAIN = 'demo-org.example';

// 20 first names x 19 last names; 20 + 1 and 19 are coprime, which makes the pairing below unique.
// prettier-ignore
const FIRST_NAMES = [
  'ana', 'ben', 'chloe', 'david', 'elena', 'farid', 'grace', 'hugo', 'ines', 'jonas',
  'kira', 'liam', 'maya', 'noah', 'olga', 'pedro', 'quinn', 'rosa', 'sami', 'tara',
] as const;
// prettier-ignore
const LAST_NAMES = [
  'silva', 'becker', 'moreau', 'kowalski', 'okafor', 'tanaka', 'jensen', 'rossi', 'novak', 'haddad',
  'lindqvist', 'murphy', 'garcia', 'petrov', 'nguyen', 'fischer', 'costa', 'sato', 'dubois',
] as const;

export interface DemoPerson {
  first: string;
  last: string;
  /** "Ana Silva" (a number after the last name from the 381st person on). */
  name: string;
  /** ana.silva@demo-org.example */
  email: string;
  /** How they named themselves on GitHub: ana-silva, bbecker, chloem, … (a few common habits). */
  githubLogin: string;
}

const capital = (word: string) => word[0]!.toUpperCase() + word.slice(1);
const LOGIN_HABITS: readonly ((first: string, last: string) => string)[] = [
  (first, last) => `${first}-${last}`,
  (first, last) => `${first[0]}${last}`,
  (first, last) => `${first}${last[0]}`,
  (first, last) => `${last}-${first}`,
  (first, last) => `${first}${last}`,
];

/**
 * Person i gets first name i mod 20 and last name (i + floor(i / 20)) mod 19. Within one block of 20 x 19 =
 * 380 people every pair differs (because gcd(21, 19) = 1) and neighbours have different last names; later
 * blocks add a number so e-mails and logins stay unique for any team size.
 */
export function demoPerson(index: number): DemoPerson {
  const block = FIRST_NAMES.length * LAST_NAMES.length;
  const first = FIRST_NAMES[index % FIRST_NAMES.length]!;
  const last = LAST_NAMES[(index + Math.floor(index / FIRST_NAMES.length)) % LAST_NAMES.length]!;
  const round = Math.floor(index / block);
  const suffix = round > 0 ? String(round + 1) : '';
  const habit = LOGIN_HABITS[index % LOGIN_HABITS.length]!;
  return {
    first,
    last,
    name: `${capital(first)} ${capital(last)}${suffix}`,
    email: `${first}.${last}${suffix}@${EMAIL_DOMAIN}`,
    githubLogin: `${habit(first, last)}${suffix}`,
  };
}
