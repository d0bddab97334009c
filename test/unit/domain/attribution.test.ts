import { Attribution, identityLinks, identitySubjectId } from '../../../functions/domain/attribution';
import type { DeveloperRef } from '../../../functions/domain/metrics';
import type { SeatSnapshot } from '../../../functions/domain/model';
import { emptyRoster, toPerson, type PersonInput, type Roster } from '../../../functions/domain/roster';

const rosterOf = (...inputs: PersonInput[]): Roster => ({
  ...emptyRoster('t'),
  version: 3,
  people: inputs.map(toPerson),
});

const dana = {
  id: 'dana',
  display_name: 'Dana',
  emails: ['dana@x.org'],
  github_login: 'Octo-Dana',
  groups: ['platform'],
};
const fox = {
  id: 'fox',
  display_name: 'Fox',
  emails: ['fox@x.org'],
  github_login: 'fox',
  identities: [
    { provider: 'claude_code', key: 'api_key:fox-laptop' },
    { provider: 'github_copilot', key: 'github:42' },
  ],
  groups: ['platform', 'data'],
};
const attribution = new Attribution(rosterOf(dana, fox));

const user = (key: string, extra: Partial<DeveloperRef> = {}): DeveloperRef => ({
  key,
  kind: 'user',
  ...extra,
});

describe('resolving an identity to a person', () => {
  it('matches an e-mail in any tool, whatever its case, from the row’s e-mail or its key', () => {
    for (const provider of ['claude_code', 'cursor', 'github_copilot']) {
      expect(
        attribution.resolve(provider, 'int_1', user('email:dana@x.org', { email: 'Dana@X.org' })),
      ).toEqual({
        subject: 'dana',
        person: expect.objectContaining({ id: 'dana' }),
        rule: 'email',
      });
    }
    expect(attribution.resolve('cursor', 'int_1', user('email:dana@x.org')).subject).toBe('dana');
  });

  it('matches a GitHub login case-insensitively', () => {
    const resolution = attribution.resolve(
      'github_copilot',
      'int_g',
      user('github:7', { login: 'octo-DANA' }),
    );
    expect(resolution).toMatchObject({ subject: 'dana', rule: 'github_login' });
  });

  it('matches an identity a person claims, in the tool it was claimed for only', () => {
    expect(
      attribution.resolve('claude_code', 'int_c', { key: 'api_key:fox-laptop', kind: 'service' }),
    ).toMatchObject({ subject: 'fox', rule: 'identity' });
    const elsewhere = attribution.resolve('cursor', 'int_x', { key: 'api_key:fox-laptop', kind: 'service' });
    expect(elsewhere).toMatchObject({ person: null, rule: null });
    expect(elsewhere.subject).toMatch(/^i_[0-9a-f]{16}$/);
  });

  it('prefers a claimed identity to an e-mail, and an e-mail to a GitHub login', () => {
    // The account Fox claims by its numeric id carries Dana's login (a renamed account): the claim wins.
    expect(
      attribution.resolve(
        'github_copilot',
        'int_g',
        user('github:42', { login: 'octo-dana', email: 'dana@x.org' }),
      ),
    ).toMatchObject({ subject: 'fox', rule: 'identity' });
    expect(
      attribution.resolve(
        'github_copilot',
        'int_g',
        user('github:9', { login: 'octo-dana', email: 'fox@x.org' }),
      ),
    ).toMatchObject({ subject: 'fox', rule: 'email' });
  });

  it('lists the people of a group, and everyone without one', () => {
    expect(attribution.members('platform').map((person) => person.id)).toEqual(['dana', 'fox']);
    expect(attribution.members('data').map((person) => person.id)).toEqual(['fox']);
    expect(attribution.members('nobody')).toEqual([]);
    expect(attribution.members()).toHaveLength(2);
    expect(attribution.person('fox')?.display_name).toBe('Fox');
    expect(attribution.person('walter')).toBeUndefined();
  });
});

describe('an identity that matches nobody', () => {
  it('is its own subject, an `i_` id that shows no e-mail', () => {
    const resolution = attribution.resolve('claude_code', 'int_a', user('email:walter@x.org'));
    expect(resolution.person).toBeNull();
    expect(resolution.rule).toBeNull();
    expect(resolution.subject).toMatch(/^i_[0-9a-f]{16}$/);
    expect(resolution.subject).not.toContain('walter');
  });

  it('is one subject per e-mail and per GitHub account across integrations', () => {
    const inA = attribution.resolve('claude_code', 'int_a', user('email:walter@x.org'));
    const inB = attribution.resolve('cursor', 'int_b', user('email:walter@x.org'));
    expect(inA.subject).toBe(inB.subject);
    const copilotA = attribution.resolve('github_copilot', 'int_a', user('github:5', { login: 'walter' }));
    const copilotB = attribution.resolve('github_copilot', 'int_b', user('github:5', { login: 'walter' }));
    expect(copilotA.subject).toBe(copilotB.subject);
    expect(new Set([inA.subject, copilotA.subject]).size).toBe(2);
  });

  it('is the subject of its e-mail whatever its key, when the row carries an e-mail', () => {
    const cursorUser = attribution.resolve(
      'cursor',
      'int_x',
      user('cursor_user:9', { email: 'Walter@x.org' }),
    );
    const claudeUser = attribution.resolve('claude_code', 'int_c', user('email:walter@x.org'));
    expect(cursorUser.person).toBeNull();
    expect(cursorUser.subject).toBe(claudeUser.subject);
    expect(attribution.resolve('cursor', 'int_x', user('cursor_user:9')).subject).not.toBe(
      claudeUser.subject,
    );
  });

  it('is one subject per integration for an API key, whose name means nothing outside its organisation', () => {
    const ci = { key: 'api_key:ci', kind: 'service' as const };
    const inA = attribution.resolve('claude_code', 'int_a', ci);
    expect(attribution.resolve('claude_code', 'int_a', ci).subject).toBe(inA.subject);
    expect(attribution.resolve('claude_code', 'int_b', ci).subject).not.toBe(inA.subject);
    expect(identitySubjectId('int_a', ci)).toBe(inA.subject);
    expect(identitySubjectId('any', { key: 'email:walter@x.org' })).toBe(
      identitySubjectId('other', { key: 'email:walter@x.org' }),
    );
  });

  it('stays unmatched with an empty roster', () => {
    const none = new Attribution(emptyRoster('t'));
    expect(none.resolve('claude_code', 'int_a', user('email:dana@x.org')).person).toBeNull();
    expect(none.members()).toEqual([]);
  });
});

describe('identities a provider links to an e-mail (GitHub SAML)', () => {
  const seats: SeatSnapshot[] = [
    {
      team_id: 't',
      integration_id: 'int_g',
      provider: 'github_copilot',
      taken_at: '2026-06-15T00:00:00Z',
      seats: [
        { developer: { key: 'github:11', kind: 'user', login: 'ds-corp', email: 'Dana@x.org' } },
        { developer: { key: 'github:12', kind: 'user', login: 'walter-corp', email: 'walter@x.org' } },
        { developer: { key: 'github:13', kind: 'user', login: 'nomail' } },
        { developer: { key: 'email:cursor@x.org', kind: 'user', email: 'cursor@x.org' } },
      ],
    },
  ];

  it('are read from seat snapshots: the identities with a linked e-mail that their key does not carry', () => {
    expect([...identityLinks(seats)]).toEqual([
      ['int_g|github:11', 'dana@x.org'],
      ['int_g|github:12', 'walter@x.org'],
    ]);
  });

  it('resolve to the person with the linked e-mail, in the integration that links them only', () => {
    const linked = new Attribution(rosterOf(dana, fox), identityLinks(seats));
    expect(linked.resolve('github_copilot', 'int_g', user('github:11', { login: 'ds-corp' }))).toMatchObject({
      subject: 'dana',
      rule: 'saml',
    });
    expect(
      linked.resolve('github_copilot', 'int_other', user('github:11', { login: 'ds-corp' })).person,
    ).toBeNull();
  });

  it('give an unmatched linked identity the subject of its e-mail, as in other tools', () => {
    const linked = new Attribution(rosterOf(dana, fox), identityLinks(seats));
    const copilot = linked.resolve('github_copilot', 'int_g', user('github:12', { login: 'walter-corp' }));
    const claude = linked.resolve(
      'claude_code',
      'int_c',
      user('email:walter@x.org', { email: 'walter@x.org' }),
    );
    expect(copilot.person).toBeNull();
    expect(copilot.subject).toBe(claude.subject);
  });

  it('come after a login of the roster', () => {
    const linked = new Attribution(rosterOf(dana, fox), identityLinks(seats));
    expect(linked.resolve('github_copilot', 'int_g', user('github:11', { login: 'fox' }))).toMatchObject({
      subject: 'fox',
      rule: 'github_login',
    });
  });
});
