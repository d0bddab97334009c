import { identitySubjectId, type Attribution } from './attribution';
import { ForbiddenError, GroupTooSmallError, NotFoundError } from './errors';
import type { Caller } from './model';
import { groupSizes } from './roster';

/**
 * Who sees what (docs/api.md, "Privacy"). Admins see everyone. Members see the team's aggregates, the
 * aggregates of groups of at least the team's minimum group size, and their own row — never another person's.
 */
export const canSeeEveryone = (caller: Caller): boolean => caller.role === 'admin';

/** The group as the caller may see it; a 404 when the roster names no such group. */
export function visibleGroup(
  caller: Caller,
  attribution: Attribution,
  group: string,
): { name: string; size: number } {
  const size = groupSizes(attribution.roster).get(group);
  if (size === undefined) {
    throw new NotFoundError(
      `No group of that name on the team's roster. GET /api/ai-usage/members lists the groups (a person's "groups").`,
    );
  }
  const minimum = attribution.roster.min_group_size;
  if (!canSeeEveryone(caller) && size < minimum) {
    throw new GroupTooSmallError(
      `The group "${group}" has ${size} people, fewer than the team's minimum group size of ${minimum}: its ` +
        'figures would expose individuals, so only admins see them.',
    );
  }
  return { name: group, size };
}

/**
 * The caller's own row: the roster person with the e-mail of their token, else the e-mail itself as an
 * identity (usage a tool reports for that e-mail is theirs). Undefined without a verified e-mail.
 */
export function ownSubject(caller: Caller, attribution: Attribution): string | undefined {
  if (!caller.email) return undefined;
  const person = attribution.roster.people.find((candidate) =>
    candidate.emails.includes(caller.email as string),
  );
  return person?.id ?? identitySubjectId('', { key: `email:${caller.email}` });
}

/** A member may read one person's figures only when they are their own. */
export function assertMayReadPerson(caller: Caller, attribution: Attribution, subject: string): void {
  if (canSeeEveryone(caller) || ownSubject(caller, attribution) === subject) return;
  throw new ForbiddenError(
    "Members see their own figures only (GET /api/ai-usage/dashboard/me); another person's are for admins.",
  );
}
