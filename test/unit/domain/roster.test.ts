import { NotFoundError, ValidationError } from '../../../functions/domain/errors';
import {
  DEFAULT_MIN_GROUP_SIZE,
  MAX_GROUPS,
  assertValidPeople,
  emptyRoster,
  groupSizes,
  personIdFor,
  personOf,
  rosterIssues,
  sameRoster,
  toPerson,
  type PersonInput,
  type Roster,
} from '../../../functions/domain/roster';
import { personPatchSchema, rosterPutSchema } from '../../../functions/schemas/members';

const at = (index: number) => `people.${index}`;
const people = (...inputs: PersonInput[]) => inputs.map(toPerson);
const roster = (inputs: PersonInput[], min_group_size = DEFAULT_MIN_GROUP_SIZE): Roster => ({
  ...emptyRoster('t'),
  version: 1,
  min_group_size,
  people: people(...inputs),
});

describe('a person as stored', () => {
  it('keeps e-mails lower-cased, trimmed, once each in the order sent; groups once each and sorted', () => {
    const person = toPerson({
      display_name: '  Dana Scully ',
      emails: ['Dana@FBI.gov', ' dana@fbi.gov', 'agent@fbi.gov'],
      groups: ['x-files', 'platform', 'x-files'],
    });
    expect(person).toEqual({
      id: expect.stringMatching(/^p_[0-9a-f]{16}$/),
      display_name: 'Dana Scully',
      emails: ['dana@fbi.gov', 'agent@fbi.gov'],
      github_login: null,
      identities: [],
      groups: ['platform', 'x-files'],
    });
  });

  it('keeps each claimed identity once in the order sent, an e-mail key lower-cased as providers send it', () => {
    const person = toPerson({
      display_name: 'Dana',
      identities: [
        { provider: 'github_copilot', key: 'github:2' },
        { provider: 'claude_code', key: 'api_key:z' },
        { provider: 'cursor', key: 'email:Dana@FBI.gov' },
        { provider: 'github_copilot', key: 'github:2' },
      ],
    });
    expect(person.identities).toEqual([
      { provider: 'github_copilot', key: 'github:2' },
      { provider: 'claude_code', key: 'api_key:z' },
      { provider: 'cursor', key: 'email:dana@fbi.gov' },
    ]);
  });

  it('keeps an id it is given and the GitHub login as sent', () => {
    const person = toPerson({ id: 'dana', display_name: 'Dana', github_login: 'Octo-Dana' });
    expect(person.id).toBe('dana');
    expect(person.github_login).toBe('Octo-Dana');
  });
});

describe('a person’s id', () => {
  it('is the same for the same person sent twice, whatever the case of the e-mail', () => {
    const first = personIdFor({ display_name: 'Dana', emails: ['dana@fbi.gov'] });
    expect(first).toMatch(/^p_[0-9a-f]{16}$/);
    expect(personIdFor({ display_name: 'Someone else', emails: ['DANA@fbi.gov'] })).toBe(first);
    expect(toPerson({ display_name: 'Dana', emails: ['dana@fbi.gov'] }).id).toBe(first);
  });

  it('differs between people and never shows the e-mail', () => {
    const dana = personIdFor({ display_name: 'Dana', emails: ['dana@fbi.gov'] });
    const fox = personIdFor({ display_name: 'Dana', emails: ['fox@fbi.gov'] });
    expect(dana).not.toBe(fox);
    expect(dana).not.toContain('dana');
  });

  it('comes from the GitHub login without an e-mail, and from the name without either', () => {
    const byLogin = personIdFor({ display_name: 'Dana', github_login: 'Octo' });
    expect(personIdFor({ display_name: 'Other', github_login: 'octo' })).toBe(byLogin);
    const byName = personIdFor({ display_name: ' Dana Scully ' });
    expect(personIdFor({ display_name: 'dana scully' })).toBe(byName);
    expect(new Set([byLogin, byName, personIdFor({ display_name: 'Octo' })]).size).toBe(3);
  });
});

describe('roster rules', () => {
  it('accepts people who each claim their own e-mails, login and identities', () => {
    const valid = people(
      {
        display_name: 'Dana',
        emails: ['dana@x.org'],
        github_login: 'dana',
        identities: [{ provider: 'claude_code', key: 'api_key:dana' }],
      },
      {
        display_name: 'Fox',
        emails: ['fox@x.org'],
        github_login: 'fox',
        // The same key in another tool is another identity.
        identities: [{ provider: 'cursor', key: 'api_key:dana' }],
      },
    );
    expect(rosterIssues(valid, at)).toEqual([]);
    expect(() => assertValidPeople(valid, at)).not.toThrow();
  });

  it('reports an e-mail claimed by two people against the second, naming the first', () => {
    const issues = rosterIssues(
      people(
        { id: 'dana', display_name: 'Dana', emails: ['dana@x.org'] },
        { id: 'fox', display_name: 'Fox', emails: ['DANA@x.org'] },
      ),
      at,
    );
    expect(issues).toEqual([
      {
        field: 'people.1.emails.0',
        message: expect.stringMatching(/already claimed by people\.0 \(emails\.0\)/),
      },
    ]);
  });

  it('reports a GitHub login claimed twice, whatever its case', () => {
    const issues = rosterIssues(
      people(
        { display_name: 'Dana', github_login: 'Octo' },
        { display_name: 'Fox', github_login: 'octo', emails: ['fox@x.org'] },
      ),
      at,
    );
    expect(issues.map((issue) => issue.field)).toEqual(['people.1.github_login']);
  });

  it('reports a provider identity claimed twice, and an e-mail identity clashing with an e-mail', () => {
    const issues = rosterIssues(
      people(
        {
          display_name: 'Dana',
          emails: ['dana@x.org'],
          identities: [{ provider: 'cursor', key: 'api_key:ci' }],
        },
        {
          display_name: 'Fox',
          emails: ['fox@x.org'],
          identities: [
            { provider: 'claude_code', key: 'email:dana@x.org' },
            { provider: 'cursor', key: 'api_key:ci' },
          ],
        },
      ),
      at,
    );
    expect(issues.map((issue) => [issue.field, issue.message.match(/people\.\d \(\S+\)/)?.[0]])).toEqual([
      ['people.1.identities.0', 'people.0 (emails.0)'],
      ['people.1.identities.1', 'people.0 (identities.0)'],
    ]);
  });

  it('lets one person name the same e-mail as an e-mail and as an identity', () => {
    const one = people({
      display_name: 'Dana',
      emails: ['dana@x.org'],
      identities: [{ provider: 'claude_code', key: 'email:dana@x.org' }],
    });
    expect(rosterIssues(one, at)).toEqual([]);
  });

  it('reports an id given to two people', () => {
    const issues = rosterIssues(
      people({ id: 'p1', display_name: 'Dana' }, { id: 'p1', display_name: 'Fox' }),
      at,
    );
    expect(issues).toEqual([
      { field: 'people.1.id', message: expect.stringMatching(/repeats the id of people\.0/) },
    ]);
  });

  it(`refuses more than ${MAX_GROUPS} distinct groups`, () => {
    const many = (count: number) =>
      people(
        ...Array.from({ length: count }, (_, i) => ({
          display_name: `P${i}`,
          groups: [`group-${i}`, 'all'],
        })),
      );
    expect(rosterIssues(many(MAX_GROUPS - 1), at)).toEqual([]);
    expect(rosterIssues(many(MAX_GROUPS), at)).toEqual([
      { field: 'people', message: expect.stringContaining(`found ${MAX_GROUPS + 1}`) },
    ]);
  });

  it('throws one 400 that lists every broken rule', () => {
    const clashing = people(
      { id: 'dana', display_name: 'Dana', emails: ['dana@x.org'], github_login: 'dana' },
      { id: 'fox', display_name: 'Fox', emails: ['dana@x.org'], github_login: 'DANA' },
    );
    let error: unknown;
    try {
      assertValidPeople(clashing, at);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const validation = error as ValidationError;
    expect(validation.issues.map((issue) => issue.field)).toEqual([
      'people.1.emails.0',
      'people.1.github_login',
    ]);
    expect(validation.message).toMatch(
      /^The roster is not valid: people\.1\.emails\.0: .+; people\.1\.github_login: /,
    );
  });
});

describe('comparing rosters', () => {
  const dana = { display_name: 'Dana', emails: ['dana@x.org'], groups: ['a'] };
  const fox = { display_name: 'Fox', emails: ['fox@x.org'] };

  it('finds the same people in another order the same roster', () => {
    expect(sameRoster(roster([dana, fox]), roster([fox, dana]))).toBe(true);
  });

  it('tells a changed person, a person more or a changed minimum group size apart', () => {
    expect(sameRoster(roster([dana, fox]), roster([dana, { ...fox, groups: ['a'] }]))).toBe(false);
    expect(sameRoster(roster([dana]), roster([dana, fox]))).toBe(false);
    expect(sameRoster(roster([dana], 5), roster([dana], 3))).toBe(false);
  });
});

describe('groups and people of a roster', () => {
  it('counts the people of each group', () => {
    const sizes = groupSizes(
      roster([
        { display_name: 'A', groups: ['platform', 'data'] },
        { display_name: 'B', groups: ['platform'] },
        { display_name: 'C' },
      ]),
    );
    expect([...sizes].sort()).toEqual([
      ['data', 1],
      ['platform', 2],
    ]);
  });

  it('finds a person by id, and says where ids come from when there is none', () => {
    const team = roster([{ id: 'dana', display_name: 'Dana' }]);
    expect(personOf(team, 'dana').display_name).toBe('Dana');
    expect(() => personOf(team, 'fox')).toThrow(NotFoundError);
    expect(() => personOf(team, 'fox')).toThrow(/^No person with that id .*GET \/api\/ai-usage\/members/);
  });
});

describe('the roster API contract', () => {
  const valid = {
    people: [
      {
        id: 'p_dana',
        display_name: 'Dana Scully',
        emails: ['dana@fbi.gov'],
        github_login: 'octo-dana',
        identities: [{ provider: 'claude_code', key: 'api_key:dana-laptop' }],
        groups: ['platform', 'data eng', 'team_2.b'],
      },
      { display_name: 'Fox' },
    ],
    min_group_size: 3,
  };
  const paths = (result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) =>
    (result.error?.issues ?? []).map((issue) => issue.path.join('.'));

  it('accepts a whole roster, an empty one, and one without a minimum group size', () => {
    expect(rosterPutSchema.safeParse(valid).success).toBe(true);
    expect(rosterPutSchema.safeParse({ people: [] }).success).toBe(true);
    expect(rosterPutSchema.safeParse({ people: valid.people }).data?.min_group_size).toBeUndefined();
  });

  it('refuses fields it does not know, at every level', () => {
    const topLevel = rosterPutSchema.safeParse({ ...valid, admins: [] });
    expect(topLevel.success).toBe(false);
    expect(topLevel.error?.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['admins'] });
    const inPerson = rosterPutSchema.safeParse({ people: [{ display_name: 'Fox', email: 'fox@x.org' }] });
    expect(inPerson.error?.issues[0]).toMatchObject({
      code: 'unrecognized_keys',
      keys: ['email'],
      path: ['people', 0],
    });
    const inIdentity = rosterPutSchema.safeParse({
      people: [
        { display_name: 'Fox', identities: [{ provider: 'cursor', key: 'api_key:x', note: 'laptop' }] },
      ],
    });
    expect(paths(inIdentity)).toEqual(['people.0.identities.0']);
  });

  it.each(['fox', 'fox@', '@x.org', 'fox@x', 'fox x@x.org', 'fox@@x.org'])(
    'refuses the e-mail %j',
    (email) => {
      const result = rosterPutSchema.safeParse({
        people: [{ display_name: 'Fox', emails: ['fox@x.org', email] }],
      });
      expect(result.success).toBe(false);
      expect(paths(result)).toEqual(['people.0.emails.1']);
    },
  );

  it.each(['-octo', 'octo-', 'oc--to', 'oc_to', 'oc.to', 'octo cat', '', 'a'.repeat(40)])(
    'refuses the GitHub login %j',
    (login) => {
      const result = rosterPutSchema.safeParse({ people: [{ display_name: 'Fox', github_login: login }] });
      expect(result.success).toBe(false);
      expect(paths(result)).toEqual(['people.0.github_login']);
    },
  );

  it.each(['octo', 'Octo-Cat-2', '0ctocat', 'a'.repeat(39)])('accepts the GitHub login %j', (login) => {
    expect(
      rosterPutSchema.safeParse({ people: [{ display_name: 'Fox', github_login: login }] }).success,
    ).toBe(true);
  });

  it.each(['', '-platform', '.platform', 'plat/form', 'plat@form', 'p'.repeat(65), 'é-team'])(
    'refuses the group name %j',
    (group) => {
      const result = rosterPutSchema.safeParse({ people: [{ display_name: 'Fox', groups: [group] }] });
      expect(result.success).toBe(false);
      expect(paths(result)).toEqual(['people.0.groups.0']);
    },
  );

  it('trims a group name before checking it', () => {
    const result = rosterPutSchema.safeParse({ people: [{ display_name: 'Fox', groups: ['  platform '] }] });
    expect(result.data?.people[0]?.groups).toEqual(['platform']);
  });

  it('refuses an e-mail as a person id, a blank name, an unknown provider and a malformed identity key', () => {
    const result = rosterPutSchema.safeParse({
      people: [
        { id: 'fox@x.org', display_name: 'Fox' },
        { display_name: '   ' },
        { display_name: 'Dana', identities: [{ provider: 'copilot', key: 'github:1' }] },
        { display_name: 'Walter', identities: [{ provider: 'cursor', key: 'API_KEY:x' }] },
        { display_name: 'Monica', identities: [{ provider: 'cursor', key: 'api_key:' }] },
      ],
    });
    expect(paths(result)).toEqual([
      'people.0.id',
      'people.1.display_name',
      'people.2.identities.0.provider',
      'people.3.identities.0.key',
      'people.4.identities.0.key',
    ]);
  });

  it.each([0, 1.5, 1001, '5'])('refuses the minimum group size %j', (min) => {
    const result = rosterPutSchema.safeParse({ people: [], min_group_size: min });
    expect(paths(result)).toEqual(['min_group_size']);
  });

  it('refuses a body without people', () => {
    expect(paths(rosterPutSchema.safeParse({ min_group_size: 5 }))).toEqual(['people']);
  });

  describe('a change of one person', () => {
    it('accepts any subset of the fields, and a login set to null', () => {
      expect(personPatchSchema.safeParse({ groups: ['data'] }).success).toBe(true);
      expect(personPatchSchema.safeParse({ github_login: null }).data).toEqual({ github_login: null });
    });

    it('refuses a change of nothing, an unknown field, an id, and malformed values', () => {
      expect(personPatchSchema.safeParse({}).error?.issues[0]?.message).toBe(
        'must change at least one field',
      );
      expect(personPatchSchema.safeParse({ groups: ['data'], role: 'admin' }).success).toBe(false);
      expect(personPatchSchema.safeParse({ id: 'p_other' }).success).toBe(false);
      expect(paths(personPatchSchema.safeParse({ emails: ['not-an-email'] }))).toEqual(['emails.0']);
      expect(paths(personPatchSchema.safeParse({ github_login: 'bad_login' }))).toEqual(['github_login']);
      expect(paths(personPatchSchema.safeParse({ groups: ['/root'] }))).toEqual(['groups.0']);
      expect(paths(personPatchSchema.safeParse({ display_name: '' }))).toEqual(['display_name']);
    });
  });
});
