import type { IdentityView } from './people';
import type { Person, Roster } from './roster';

/**
 * Likely owners of an identity that matches nobody, for an admin to accept in one call
 * (`PATCH /members/{person_id}` with `change` as the body). Only changes the roster would accept are offered:
 * a login goes to people without one, an e-mail to anyone (it is unclaimed, or it would have matched).
 */
export interface Suggestion {
  person_id: string;
  display_name: string;
  reason: string;
  /** The PATCH body that accepts the suggestion. */
  change: { github_login: string } | { emails: string[] };
}

const MAX_SUGGESTIONS = 3;
const compact = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, '');
const words = (text: string) =>
  text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
const localPart = (email: string) => email.split('@')[0] ?? email;

/** Ways people often build a login from their name: janedoe, jdoe, janed, doej, doejane. */
function nameForms(person: Person): Set<string> {
  const parts = words(person.display_name);
  const first = parts[0];
  const last = parts[parts.length - 1];
  if (!first || !last || first === last) return new Set(first ? [first] : []);
  return new Set([first + last, first[0] + last, first + last[0], last + first[0], last + first]);
}

function scoreLogin(login: string, person: Person): { score: number; reason: string } | undefined {
  const bare = compact(login).replace(/\d+$/, '');
  const local = person.emails.map(localPart).find((part) => compact(part) === bare);
  if (local) return { score: 3, reason: `the login matches the e-mail name "${local}"` };
  if (nameForms(person).has(bare))
    return { score: 2, reason: `the login looks like the name "${person.display_name}"` };
  return undefined;
}

function scoreEmail(identity: IdentityView, person: Person): { score: number; reason: string } | undefined {
  const local = compact(localPart(identity.email ?? ''));
  if (local && person.emails.some((email) => compact(localPart(email)) === local)) {
    return { score: 3, reason: 'the same e-mail name at another domain' };
  }
  if (local && nameForms(person).has(local)) {
    return { score: 2, reason: `the e-mail name looks like the name "${person.display_name}"` };
  }
  if (identity.display_name && compact(identity.display_name) === compact(person.display_name)) {
    return { score: 2, reason: `the same name "${person.display_name}"` };
  }
  return undefined;
}

export function suggestionsFor(identity: IdentityView, roster: Roster): Suggestion[] {
  const found: (Suggestion & { score: number })[] = [];
  for (const person of roster.people) {
    if (identity.login && !person.github_login) {
      const match = scoreLogin(identity.login, person);
      if (match) {
        found.push({
          person_id: person.id,
          display_name: person.display_name,
          ...match,
          change: { github_login: identity.login },
        });
      }
    } else if (identity.email) {
      const match = scoreEmail(identity, person);
      if (match) {
        found.push({
          person_id: person.id,
          display_name: person.display_name,
          ...match,
          change: { emails: [...person.emails, identity.email.toLowerCase()] },
        });
      }
    }
  }
  return found
    .sort((a, b) => b.score - a.score || a.display_name.localeCompare(b.display_name))
    .slice(0, MAX_SUGGESTIONS)
    .map(({ score: _score, ...suggestion }) => suggestion);
}
