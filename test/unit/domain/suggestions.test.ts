import type { IdentityView } from '../../../functions/domain/people';
import { emptyRoster, toPerson, type PersonInput, type Roster } from '../../../functions/domain/roster';
import { suggestionsFor } from '../../../functions/domain/suggestions';

const rosterOf = (...inputs: PersonInput[]): Roster => ({
  ...emptyRoster('t'),
  version: 1,
  people: inputs.map(toPerson),
});

const login = (name: string): IdentityView => ({
  provider: 'github_copilot',
  integration_id: 'int_g',
  key: 'github:7',
  kind: 'user',
  login: name,
  matched_by: null,
});

const emailed = (address: string, display_name?: string): IdentityView => ({
  provider: 'claude_code',
  integration_id: 'int_c',
  key: `email:${address}`,
  kind: 'user',
  email: address,
  ...(display_name ? { display_name } : {}),
  matched_by: null,
});

const jane = { id: 'jane', display_name: 'Jane Doe', emails: ['jane.doe@corp.com'] };

describe('suggesting the owner of a GitHub login', () => {
  const byName = 'the login looks like the name "Jane Doe"';
  const byEmail = 'the login matches the e-mail name "jane.doe"';
  it.each([
    ['jdoe', byName],
    ['doe-jane', byName],
    ['doej', byName],
    ['janed', byName],
    ['jane-doe', byEmail],
    ['JaneDoe', byEmail],
    ['jane-doe42', byEmail],
  ])('offers the login %j to Jane Doe, who has none, as the PATCH that accepts it', (name, reason) => {
    expect(suggestionsFor(login(name), rosterOf(jane))).toEqual([
      { person_id: 'jane', display_name: 'Jane Doe', reason, change: { github_login: name } },
    ]);
  });

  it('says when the login is the person’s e-mail name, and ranks that first', () => {
    const roster = rosterOf(
      { id: 'a', display_name: 'Jane Doe', emails: ['jane@corp.com'] },
      { id: 'b', display_name: 'Someone Else', emails: ['janedoe@corp.com'] },
    );
    expect(suggestionsFor(login('jane-doe'), roster)).toEqual([
      expect.objectContaining({ person_id: 'b', reason: 'the login matches the e-mail name "janedoe"' }),
      expect.objectContaining({ person_id: 'a', reason: 'the login looks like the name "Jane Doe"' }),
    ]);
  });

  it('offers a login only to people without one', () => {
    expect(suggestionsFor(login('jdoe'), rosterOf({ ...jane, github_login: 'jane-corp' }))).toEqual([]);
  });

  it('offers nothing for a login unlike anyone’s name or e-mail', () => {
    expect(suggestionsFor(login('octocat'), rosterOf(jane))).toEqual([]);
    expect(suggestionsFor(login('jdoex'), rosterOf(jane))).toEqual([]);
  });
});

describe('suggesting the owner of an e-mail', () => {
  it('offers the same e-mail name at another domain, as the PATCH that adds the e-mail', () => {
    expect(suggestionsFor(emailed('Jane.Doe@gmail.com'), rosterOf(jane))).toEqual([
      {
        person_id: 'jane',
        display_name: 'Jane Doe',
        reason: 'the same e-mail name at another domain',
        change: { emails: ['jane.doe@corp.com', 'jane.doe@gmail.com'] },
      },
    ]);
  });

  it('offers an e-mail whose name looks like the person’s name', () => {
    const [suggestion] = suggestionsFor(emailed('jdoe@contractor.io'), rosterOf(jane));
    expect(suggestion).toMatchObject({
      person_id: 'jane',
      reason: 'the e-mail name looks like the name "Jane Doe"',
    });
  });

  it('offers an e-mail whose identity carries the person’s name', () => {
    const [suggestion] = suggestionsFor(emailed('x123@contractor.io', 'jane doe'), rosterOf(jane));
    expect(suggestion).toMatchObject({ person_id: 'jane', reason: 'the same name "Jane Doe"' });
  });

  it('offers an e-mail to a person who already has a GitHub login', () => {
    const [suggestion] = suggestionsFor(
      emailed('jane.doe@gmail.com'),
      rosterOf({ ...jane, github_login: 'jd' }),
    );
    expect(suggestion?.person_id).toBe('jane');
  });

  it('offers nothing for an e-mail unlike anyone, nor for an identity with neither e-mail nor login', () => {
    expect(suggestionsFor(emailed('walter@corp.com'), rosterOf(jane))).toEqual([]);
    const service: IdentityView = {
      provider: 'claude_code',
      integration_id: 'int_c',
      key: 'api_key:jane-doe',
      kind: 'service',
      display_name: 'Jane Doe',
      matched_by: null,
    };
    expect(suggestionsFor(service, rosterOf(jane))).toEqual([]);
  });
});

describe('the list of suggestions', () => {
  it('offers at most three, the likeliest first, then by name', () => {
    const roster = rosterOf(
      { id: 'd', display_name: 'Dan Doe', emails: ['dan@corp.com'] },
      { id: 'j1', display_name: 'Jane Doe', emails: ['jane@corp.com'] },
      { id: 'j2', display_name: 'John Doe', emails: ['john@corp.com'] },
      { id: 'jd', display_name: 'J D', emails: ['jdoe@corp.com'] },
      { id: 'w', display_name: 'Walter Skinner', emails: ['walter@corp.com'] },
    );
    // "jdoe" is J D's e-mail name (likeliest), and fits Jane Doe, John Doe (and not Dan Doe) as a name.
    const suggestions = suggestionsFor(login('jdoe'), roster);
    expect(suggestions.map((suggestion) => suggestion.person_id)).toEqual(['jd', 'j1', 'j2']);

    const many = rosterOf(
      ...['Ann', 'Bea', 'Cy', 'Di'].map((first) => ({
        id: first,
        display_name: `${first} Smith`,
        emails: [`smith@${first.toLowerCase()}.com`],
      })),
    );
    const four = suggestionsFor(emailed('smith@gmail.com'), many);
    expect(four.map((suggestion) => suggestion.person_id)).toEqual(['Ann', 'Bea', 'Cy']);
  });
});
