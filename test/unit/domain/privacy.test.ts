import { Attribution, identitySubjectId } from '../../../functions/domain/attribution';
import { ForbiddenError, GroupTooSmallError, NotFoundError } from '../../../functions/domain/errors';
import type { Caller } from '../../../functions/domain/model';
import {
  assertMayReadPerson,
  canSeeEveryone,
  ownSubject,
  visibleGroup,
} from '../../../functions/domain/privacy';
import { emptyRoster, toPerson, type PersonInput } from '../../../functions/domain/roster';

const attributionOf = (min_group_size: number, ...inputs: PersonInput[]) =>
  new Attribution({ ...emptyRoster('t'), version: 2, min_group_size, people: inputs.map(toPerson) });

const team = attributionOf(
  3,
  { id: 'dana', display_name: 'Dana', emails: ['dana@x.org'], groups: ['platform', 'tiny'] },
  { id: 'fox', display_name: 'Fox', emails: ['fox@x.org', 'mulder@x.org'], groups: ['platform'] },
  { id: 'walter', display_name: 'Walter', emails: ['walter@x.org'], groups: ['platform'] },
);

const admin: Caller = { teamId: 't', role: 'admin', subject: 'u-admin' };
const member = (email?: string): Caller => ({
  teamId: 't',
  role: 'member',
  subject: 'u-member',
  ...(email ? { email } : {}),
});

describe('who sees a group', () => {
  it('shows a group of at least the minimum size to members, with its size', () => {
    expect(visibleGroup(member('dana@x.org'), team, 'platform')).toEqual({ name: 'platform', size: 3 });
  });

  it('withholds a group smaller than the minimum from members, even one of its own', () => {
    expect(() => visibleGroup(member('dana@x.org'), team, 'tiny')).toThrow(GroupTooSmallError);
    expect(() => visibleGroup(member(), team, 'tiny')).toThrow(
      /has 1 people, fewer than .* minimum group size of 3/,
    );
  });

  it('shows admins every group', () => {
    expect(visibleGroup(admin, team, 'tiny')).toEqual({ name: 'tiny', size: 1 });
  });

  it('answers 404 for a group no one on the roster is in, to admins and members alike', () => {
    for (const caller of [admin, member('dana@x.org')]) {
      expect(() => visibleGroup(caller, team, 'ghosts')).toThrow(NotFoundError);
    }
    expect(() => visibleGroup(admin, attributionOf(1), 'platform')).toThrow(
      /^No group of that name on the team's roster/,
    );
  });
});

describe('the caller’s own row', () => {
  it('is the roster person with the verified e-mail of the token, any of their e-mails', () => {
    expect(ownSubject(member('dana@x.org'), team)).toBe('dana');
    expect(ownSubject(member('mulder@x.org'), team)).toBe('fox');
  });

  it('is the e-mail’s own identity for someone not on the roster', () => {
    const subject = ownSubject(member('stranger@x.org'), team);
    expect(subject).toBe(identitySubjectId('int_any', { key: 'email:stranger@x.org' }));
    expect(subject).toBe(
      team.resolve('claude_code', 'int_c', {
        key: 'email:stranger@x.org',
        kind: 'user',
        email: 'stranger@x.org',
      }).subject,
    );
  });

  it('is unknown without a verified e-mail', () => {
    expect(ownSubject(member(), team)).toBeUndefined();
    expect(ownSubject(admin, team)).toBeUndefined();
  });
});

describe('reading one person’s figures', () => {
  it('lets admins read anyone', () => {
    expect(canSeeEveryone(admin)).toBe(true);
    expect(() => assertMayReadPerson(admin, team, 'fox')).not.toThrow();
    expect(() =>
      assertMayReadPerson(admin, team, identitySubjectId('int_c', { key: 'api_key:ci' })),
    ).not.toThrow();
  });

  it('lets a member read their own figures only', () => {
    expect(canSeeEveryone(member('dana@x.org'))).toBe(false);
    expect(() => assertMayReadPerson(member('dana@x.org'), team, 'dana')).not.toThrow();
    expect(() => assertMayReadPerson(member('dana@x.org'), team, 'fox')).toThrow(ForbiddenError);
    const own = identitySubjectId('', { key: 'email:stranger@x.org' });
    expect(() => assertMayReadPerson(member('stranger@x.org'), team, own)).not.toThrow();
    expect(() => assertMayReadPerson(member('stranger@x.org'), team, 'dana')).toThrow(ForbiddenError);
  });

  it('refuses a member without a verified e-mail every person', () => {
    for (const subject of ['dana', 'fox', identitySubjectId('', { key: 'email:' })]) {
      expect(() => assertMayReadPerson(member(), team, subject)).toThrow(ForbiddenError);
    }
  });
});
