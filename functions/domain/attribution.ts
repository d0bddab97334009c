import { createHash } from 'node:crypto';
import type { DeveloperRef } from './metrics';
import type { Person, Roster } from './roster';

/**
 * Who a provider identity is. Rules, first match wins:
 *  1. an identity a person claims explicitly (provider + developer key);
 *  2. the same e-mail, in any tool, is the person with that e-mail;
 *  3. a GitHub login is the person with that login (case-insensitive, as GitHub compares them).
 * An identity that matches nobody stays itself: one subject per e-mail (the same e-mail in two tools is still
 * one subject), per GitHub account, or per integration for anything else (an API key's name means nothing
 * outside its organisation). Each identity resolves to exactly one subject, so no figure is counted twice.
 */
export type MatchRule = 'identity' | 'email' | 'github_login';

export interface Resolution {
  /** The person's id, or `i_…` for an identity that matches nobody. */
  subject: string;
  person: Person | null;
  rule: MatchRule | null;
}

/** The subject id of an unmatched identity: a hash, so no e-mail travels in a URL or an access log. */
export function identitySubjectId(integrationId: string, ref: Pick<DeveloperRef, 'key'>): string {
  const global = ref.key.startsWith('email:') || ref.key.startsWith('github:');
  const basis = global ? ref.key : `${integrationId}/${ref.key}`;
  return `i_${createHash('sha256').update(basis).digest('hex').slice(0, 16)}`;
}

export class Attribution {
  private readonly byIdentity = new Map<string, Person>();
  private readonly byEmail = new Map<string, Person>();
  private readonly byLogin = new Map<string, Person>();
  private readonly byId = new Map<string, Person>();

  constructor(readonly roster: Roster) {
    for (const person of roster.people) {
      this.byId.set(person.id, person);
      for (const identity of person.identities) {
        this.byIdentity.set(`${identity.provider}|${identity.key}`, person);
      }
      for (const email of person.emails) this.byEmail.set(email, person);
      if (person.github_login) this.byLogin.set(person.github_login.toLowerCase(), person);
    }
  }

  person(id: string): Person | undefined {
    return this.byId.get(id);
  }

  resolve(provider: string, integrationId: string, ref: DeveloperRef): Resolution {
    const explicit = this.byIdentity.get(`${provider}|${ref.key}`);
    if (explicit) return { subject: explicit.id, person: explicit, rule: 'identity' };
    const email = ref.email?.toLowerCase() ?? (ref.key.startsWith('email:') ? ref.key.slice(6) : undefined);
    const byEmail = email === undefined ? undefined : this.byEmail.get(email);
    if (byEmail) return { subject: byEmail.id, person: byEmail, rule: 'email' };
    const byLogin = ref.login ? this.byLogin.get(ref.login.toLowerCase()) : undefined;
    if (byLogin) return { subject: byLogin.id, person: byLogin, rule: 'github_login' };
    return { subject: identitySubjectId(integrationId, ref), person: null, rule: null };
  }

  /** People of a group (all people when no group is given). */
  members(group?: string): Person[] {
    return group === undefined
      ? this.roster.people
      : this.roster.people.filter((person) => person.groups.includes(group));
  }
}
