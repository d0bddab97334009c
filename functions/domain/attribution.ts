import { createHash } from 'node:crypto';
import type { DeveloperRef } from './metrics';
import type { SeatSnapshot } from './model';
import type { Person, Roster } from './roster';

/**
 * Who a provider identity is. Rules, first match wins:
 *  1. an identity a person claims explicitly (provider + developer key);
 *  2. the same e-mail, in any tool, is the person with that e-mail;
 *  3. a GitHub login is the person with that login (case-insensitive, as GitHub compares them);
 *  4. an identity the provider links to an e-mail (GitHub: the SAML identity of a seat holder, where the
 *     organisation uses SAML SSO) is the person with that e-mail.
 * An identity that matches nobody stays itself: one subject per e-mail (the same e-mail in two tools is still
 * one subject, a SAML-linked e-mail included), per GitHub account, or per integration for anything else (an API
 * key's name means nothing outside its organisation). Each identity resolves to exactly one subject, so no
 * figure is counted twice.
 */
export type MatchRule = 'identity' | 'email' | 'github_login' | 'saml';

/** E-mails providers link to identities: `<integration id>|<developer key>` → lower-cased e-mail. */
export type IdentityLinks = ReadonlyMap<string, string>;

/** The e-mails seat snapshots carry for identities whose rows carry none (GitHub's SAML-linked identities). */
export function identityLinks(snapshots: readonly SeatSnapshot[]): IdentityLinks {
  const links = new Map<string, string>();
  for (const snapshot of snapshots) {
    for (const seat of snapshot.seats) {
      const email = seat.developer.email?.toLowerCase();
      if (email && !seat.developer.key.startsWith('email:')) {
        links.set(`${snapshot.integration_id}|${seat.developer.key}`, email);
      }
    }
  }
  return links;
}

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

  constructor(
    readonly roster: Roster,
    private readonly links: IdentityLinks = new Map(),
  ) {
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
    const linked = email === undefined ? this.links.get(`${integrationId}|${ref.key}`) : undefined;
    const person = linked === undefined ? undefined : this.byEmail.get(linked);
    if (person) return { subject: person.id, person, rule: 'saml' };
    // Nobody on the roster: an e-mail (the identity's own, or the one linked to it) is still one subject.
    const known = email ?? linked;
    const subject =
      known === undefined
        ? identitySubjectId(integrationId, ref)
        : identitySubjectId(integrationId, { key: `email:${known}` });
    return { subject, person: null, rule: null };
  }

  /** People of a group (all people when no group is given). */
  members(group?: string): Person[] {
    return group === undefined
      ? this.roster.people
      : this.roster.people.filter((person) => person.groups.includes(group));
  }
}
