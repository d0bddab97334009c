import { createHash } from 'node:crypto';
import { NotFoundError, ValidationError, type FieldIssue } from './errors';

/**
 * The team's roster: the people behind the provider identities, and the groups (sub-teams) they belong to.
 * One document per team, versioned; every figure that is "per person" or "per group" is attributed through it
 * (functions/domain/attribution.ts), so a change here re-attributes history without rewriting a stored row.
 */

/** A provider identity claimed by a person explicitly: the developer key the provider's rows carry. */
export interface ProviderIdentity {
  provider: string;
  /** `email:<address>`, `github:<numeric id>`, `api_key:<name>`, … (as the developers view lists it). */
  key: string;
}

export interface Person {
  /** `p_` + 16 hex characters (derived from the person's first e-mail, login or name when not given). */
  id: string;
  display_name: string;
  /** Lower-cased, unique across the roster. */
  emails: string[];
  /** Matched case-insensitively against GitHub logins; unique across the roster. */
  github_login: string | null;
  identities: ProviderIdentity[];
  /** Group (sub-team) names, sorted. */
  groups: string[];
}

export interface Roster {
  team_id: string;
  /** 0 while the team has no roster; +1 on every change. */
  version: number;
  /** Groups smaller than this are withheld from members (admins see every group). */
  min_group_size: number;
  people: Person[];
  updated_at: string | null;
  updated_by: string | null;
}

export const DEFAULT_MIN_GROUP_SIZE = 5;
export const MAX_PEOPLE = 10_000;
export const MAX_GROUPS = 100;

/** What an admin sends for one person (PUT /members, one entry; PATCH /members/{id}, some fields). */
export interface PersonInput {
  id?: string | undefined;
  display_name: string;
  emails?: string[] | undefined;
  github_login?: string | null | undefined;
  identities?: ProviderIdentity[] | undefined;
  groups?: string[] | undefined;
}

export const emptyRoster = (teamId: string): Roster => ({
  team_id: teamId,
  version: 0,
  min_group_size: DEFAULT_MIN_GROUP_SIZE,
  people: [],
  updated_at: null,
  updated_by: null,
});

const sortedUnique = (values: readonly string[]) => [...new Set(values)].sort();

/**
 * A stable id for a person without one: the same person sent twice gets the same id, so a PUT of the same
 * roster is a no-op. Derived from a hash, so no e-mail appears in a URL (or an access log).
 */
export function personIdFor(input: PersonInput): string {
  const basis =
    input.emails?.[0] !== undefined
      ? `email:${input.emails[0].toLowerCase()}`
      : input.github_login
        ? `github_login:${input.github_login.toLowerCase()}`
        : `name:${input.display_name.trim().toLowerCase()}`;
  return `p_${createHash('sha256').update(basis).digest('hex').slice(0, 16)}`;
}

/** Lists without repeats, in the order sent (so an issue's index names the value as the admin sent it). */
const unique = <T>(values: readonly T[], key: (value: T) => string): T[] => [
  ...new Map(values.map((value) => [key(value), value] as const)).values(),
];

/** An `email:` identity key names an e-mail: lower-cased like e-mails, so it matches providers' rows. */
const identityKey = (key: string) => (key.startsWith('email:') ? key.toLowerCase() : key);

/** The stored form of a person: e-mails lower-cased, repeats dropped (order kept), groups sorted. */
export function toPerson(input: PersonInput): Person {
  const emails = unique(
    (input.emails ?? []).map((email) => email.trim().toLowerCase()),
    (email) => email,
  );
  const identities = unique(
    (input.identities ?? []).map((identity) => ({
      provider: identity.provider,
      key: identityKey(identity.key),
    })),
    (identity) => `${identity.provider}|${identity.key}`,
  );
  return {
    id: input.id ?? personIdFor({ ...input, emails }),
    display_name: input.display_name.trim(),
    emails,
    github_login: input.github_login ?? null,
    identities,
    groups: sortedUnique(input.groups ?? []),
  };
}

/**
 * Roster rules a schema cannot see, each reported against the field at fault: one id per person, and no
 * identity (e-mail, GitHub login, provider identity) claimed by two people — a figure must belong to one
 * person only, or it would be counted twice.
 */
export function rosterIssues(
  people: readonly Person[],
  pathOf: (index: number) => string,
  /** Whether the person at an index was sent with an id (else it was derived: see personIdFor). */
  idGiven: (index: number) => boolean = () => true,
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const claimed = new Map<string, { index: number; field: string }>();
  const claim = (what: string, index: number, field: string, label: string) => {
    const first = claimed.get(what);
    if (first && first.index !== index) {
      issues.push({
        field: `${pathOf(index)}.${field}`,
        message: `${label} is already claimed by ${pathOf(first.index)} (${first.field}); one identity belongs to one person`,
      });
      return;
    }
    if (!first) claimed.set(what, { index, field });
  };
  const ids = new Map<string, number>();
  const idClashes: [number, number][] = [];
  const groups = new Set<string>();
  people.forEach((person, index) => {
    const sameId = ids.get(person.id);
    if (sameId === undefined) ids.set(person.id, index);
    else idClashes.push([index, sameId]);
    person.emails.forEach((email, e) => claim(`email:${email}`, index, `emails.${e}`, 'this e-mail'));
    if (person.github_login) {
      claim(`login:${person.github_login.toLowerCase()}`, index, 'github_login', 'this GitHub login');
    }
    person.identities.forEach((identity, i) => {
      // An e-mail identity is the same claim as the e-mail itself (the same e-mail is the same person in any tool).
      const what = identity.key.startsWith('email:')
        ? `email:${identity.key.slice('email:'.length).toLowerCase()}`
        : `identity:${identity.provider}|${identity.key}`;
      claim(what, index, `identities.${i}`, 'this identity');
    });
    for (const group of person.groups) groups.add(group);
  });
  for (const [index, first] of idClashes) {
    if (idGiven(index)) {
      issues.push({
        field: `${pathOf(index)}.id`,
        message: `repeats the id of ${pathOf(first)}; give each person their own id (or leave it out)`,
      });
    } else if (!issues.some((issue) => issue.field.startsWith(`${pathOf(index)}.`))) {
      // A derived id repeats when nothing tells two people apart (a clash of e-mails is reported above).
      issues.push({
        field: pathOf(index),
        message: `cannot be told apart from ${pathOf(first)} (same name, no e-mail or GitHub login): give one of them an id`,
      });
    }
  }
  if (groups.size > MAX_GROUPS) {
    issues.push({
      field: 'people',
      message: `name at most ${MAX_GROUPS} distinct groups (found ${groups.size})`,
    });
  }
  return issues;
}

/** Throws a 400 that lists every rule the people break. */
export function assertValidPeople(
  people: readonly Person[],
  pathOf: (index: number) => string,
  idGiven?: (index: number) => boolean,
): void {
  const issues = rosterIssues(people, pathOf, idGiven);
  if (issues.length) throw ValidationError.listing('The roster is not valid', issues);
}

/** Same people and setting: a PUT of this content changes nothing (and keeps the version). */
export function sameRoster(
  a: Pick<Roster, 'people' | 'min_group_size'>,
  b: Pick<Roster, 'people' | 'min_group_size'>,
): boolean {
  const canonical = (roster: Pick<Roster, 'people' | 'min_group_size'>) =>
    JSON.stringify({
      min: roster.min_group_size,
      people: [...roster.people].sort((x, y) => x.id.localeCompare(y.id)),
    });
  return canonical(a) === canonical(b);
}

/** Group names with their number of people. */
export function groupSizes(roster: Pick<Roster, 'people'>): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const person of roster.people) {
    for (const group of person.groups) sizes.set(group, (sizes.get(group) ?? 0) + 1);
  }
  return sizes;
}

/** The person of a roster, or a 404 that says where ids come from. */
export function personOf(roster: Roster, personId: string): Person {
  const person = roster.people.find((candidate) => candidate.id === personId);
  if (!person) {
    throw new NotFoundError(
      "No person with that id on the team's roster. GET /api/ai-usage/members lists the people and their ids.",
    );
  }
  return person;
}
