import type { PersonInput } from '../functions/domain/roster';
import { demoPerson } from './fakes/shared/people';

/**
 * The demo organisation's first people: Claude Code's Admin API has 12 of them (0–11), its Enterprise seats are
 * people 9–18 (so 9–11 are in both), Cursor has 10, Copilot 15 (local/fakes).
 */
const PEOPLE = 15;
/** Person 11's e-mail was never entered: their Claude Code usage stays unmatched, with a suggestion. */
const WITHOUT_EMAIL = 11;
/** Person 13's GitHub login was never entered: their Copilot usage stays unmatched, with a suggestion. */
const WITHOUT_LOGIN = 13;

/**
 * The roster `npm start` gives the demo team on first start: most identities match, not all, so the match rates
 * and the unmatched list show something real; two groups, both large enough for members to see.
 */
export function demoRoster(): { people: PersonInput[] } {
  return {
    people: Array.from({ length: PEOPLE }, (_, index) => {
      const person = demoPerson(index);
      return {
        display_name: person.name,
        emails: index === WITHOUT_EMAIL ? [] : [person.email],
        github_login: index === WITHOUT_LOGIN ? null : person.githubLogin,
        groups: [index < 8 ? 'platform' : 'product'],
      };
    }),
  };
}
