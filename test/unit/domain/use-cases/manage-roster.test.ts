import { ForbiddenError, NotFoundError, ValidationError } from '../../../../functions/domain/errors';
import type { Caller } from '../../../../functions/domain/model';
import type { PersonInput, Roster } from '../../../../functions/domain/roster';
import {
  changePerson,
  readRoster,
  removePerson,
  replaceRoster,
} from '../../../../functions/domain/use-cases/manage-roster';
import {
  MemoryAttributionQueue,
  MemoryRoster,
  failure,
  fixedClock,
  memoryLog,
} from '../../../helpers/memory-ports';

const admin: Caller = { teamId: 't', role: 'admin', subject: 'u-admin' };
const member: Caller = { teamId: 't', role: 'member', subject: 'u-member', email: 'dana@x.org' };

const dana: PersonInput = {
  id: 'dana',
  display_name: 'Dana Scully',
  emails: ['dana@x.org'],
  github_login: 'dana-gh',
  groups: ['platform'],
};
const fox: PersonInput = {
  id: 'fox',
  display_name: 'Fox Mulder',
  emails: ['fox@x.org'],
  groups: ['platform', 'data'],
};

function setup(roster = new MemoryRoster()) {
  const ports = {
    roster,
    reattribution: new MemoryAttributionQueue(),
    clock: fixedClock('2026-06-15T08:00:00Z'),
    log: memoryLog(),
  };
  const stored = () => roster.get('t');
  return { ports, stored };
}

describe('reading the roster', () => {
  it('is an empty roster at version 0 for a team that has none', async () => {
    const { ports } = setup();
    expect(await readRoster(member, ports)).toEqual({
      team_id: 't',
      version: 0,
      min_group_size: 5,
      updated_at: null,
      people: [],
      groups: [],
    });
  });
});

describe('replacing the roster', () => {
  it('stores the people as a new version and asks for stored days to be attributed again', async () => {
    const { ports, stored } = setup();
    const view = await replaceRoster(
      admin,
      { people: [fox, { ...dana, emails: ['Dana@X.org'] }], min_group_size: 2 },
      ports,
    );
    expect(view).toMatchObject({
      team_id: 't',
      version: 1,
      min_group_size: 2,
      updated_at: '2026-06-15T08:00:00.000Z',
    });
    expect(view.people.map((person) => person.display_name)).toEqual(['Dana Scully', 'Fox Mulder']);
    expect(view.people[0]?.emails).toEqual(['dana@x.org']);
    expect(view.groups).toEqual([
      { name: 'data', size: 1 },
      { name: 'platform', size: 2 },
    ]);
    expect(await stored()).toMatchObject({ version: 1, updated_by: 'u-admin', min_group_size: 2 });
    expect(ports.reattribution.requests).toEqual([
      { team_id: 't', roster_version: 1, requested_at: '2026-06-15T08:00:00.000Z' },
    ]);
    expect(ports.log.lines).toEqual([
      { level: 'info', message: 'roster changed', attributes: { team_id: 't', version: 1, people: 2 } },
    ]);
  });

  it('keeps the version when the same body comes twice, and still asks for attribution', async () => {
    const { ports, stored } = setup();
    const body = { people: [dana, fox] };
    await replaceRoster(admin, body, ports);
    ports.clock.advance(3600);
    const again = await replaceRoster(admin, { people: [fox, dana] }, ports);
    expect(again.version).toBe(1);
    expect(again.updated_at).toBe('2026-06-15T08:00:00.000Z');
    expect((await stored()).version).toBe(1);
    expect(
      ports.reattribution.requests.map((request) => [request.roster_version, request.requested_at]),
    ).toEqual([
      [1, '2026-06-15T08:00:00.000Z'],
      [1, '2026-06-15T09:00:00.000Z'],
    ]);
    expect(ports.log.lines).toHaveLength(1);
  });

  it('keeps the same people without ids the same: a PUT of the same roster without ids changes nothing', async () => {
    const { ports } = setup();
    const withoutIds = [dana, fox].map(({ id: _id, ...person }) => person);
    const first = await replaceRoster(admin, { people: withoutIds }, ports);
    const second = await replaceRoster(admin, { people: withoutIds }, ports);
    expect(second.version).toBe(first.version);
    expect(second.people.map((person) => person.id)).toEqual(first.people.map((person) => person.id));
  });

  it('makes a new version for any change, and goes back to the default minimum group size when none is sent', async () => {
    const { ports } = setup();
    await replaceRoster(admin, { people: [dana, fox], min_group_size: 2 }, ports);
    const changed = await replaceRoster(admin, { people: [dana] }, ports);
    expect(changed).toMatchObject({ version: 2, min_group_size: 5 });
    expect(changed.people.map((person) => person.id)).toEqual(['dana']);
    expect(ports.reattribution.requests.map((request) => request.roster_version)).toEqual([1, 2]);
  });

  it('changes nothing and asks for nothing when an empty roster replaces none', async () => {
    const { ports, stored } = setup();
    const view = await replaceRoster(admin, { people: [] }, ports);
    expect(view.version).toBe(0);
    expect((await stored()).version).toBe(0);
    expect(ports.reattribution.requests).toEqual([]);
  });

  it('is refused to members', async () => {
    const { ports, stored } = setup();
    expect(await failure(replaceRoster(member, { people: [dana] }, ports))).toBeInstanceOf(ForbiddenError);
    expect((await stored()).version).toBe(0);
    expect(ports.reattribution.requests).toEqual([]);
  });

  it('refuses an e-mail claimed by two people, naming the field, and saves nothing', async () => {
    const { ports, stored } = setup();
    await replaceRoster(admin, { people: [dana] }, ports);
    const error = await failure(
      replaceRoster(admin, { people: [dana, { ...fox, emails: ['fox@x.org', 'DANA@x.org'] }] }, ports),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toContainEqual({
      field: expect.stringMatching(/^people\.1\.emails\.\d$/),
      message: expect.stringContaining('already claimed by people.0 (emails.0)'),
    });
    expect(error.message).toMatch(/^The roster is not valid: /);
    expect(await stored()).toMatchObject({ version: 1, people: [expect.objectContaining({ id: 'dana' })] });
    expect(ports.reattribution.requests).toHaveLength(1);
  });
});

describe('reporting a roster that is not valid', () => {
  // The field of an issue names the value as the admin sent it, not as the roster stores it (sorted, merged).
  it('names the e-mail at its place in the request', async () => {
    const { ports } = setup();
    const error = await failure(
      replaceRoster(admin, { people: [dana, { ...fox, emails: ['zed@x.org', 'dana@x.org'] }] }, ports),
    );
    expect((error as ValidationError).issues.map((issue) => issue.field)).toEqual(['people.1.emails.1']);
  });

  it('names no id for people sent without one', async () => {
    const { ports } = setup();
    const error = await failure(
      replaceRoster(
        admin,
        {
          people: [
            { display_name: 'Dana', emails: ['dana@x.org'] },
            { display_name: 'Fox', emails: ['dana@x.org'] },
          ],
        },
        ports,
      ),
    );
    expect((error as ValidationError).issues.map((issue) => issue.field)).toEqual(['people.1.emails.0']);
  });
});

describe('changing one person', () => {
  async function withTeam() {
    const context = setup();
    await replaceRoster(admin, { people: [dana, fox] }, context.ports);
    return context;
  }

  it('replaces the fields given and keeps the rest, as a new version', async () => {
    const { ports, stored } = await withTeam();
    const changed = await changePerson(
      admin,
      'dana',
      { groups: ['data', 'data'], display_name: ' Dana ' },
      ports,
    );
    expect(changed).toEqual({
      version: 2,
      person: {
        id: 'dana',
        display_name: 'Dana',
        emails: ['dana@x.org'],
        github_login: 'dana-gh',
        identities: [],
        groups: ['data'],
      },
    });
    expect((await stored()).people.find((person) => person.id === 'fox')?.groups).toEqual([
      'data',
      'platform',
    ]);
    expect(ports.reattribution.requests.at(-1)?.roster_version).toBe(2);
  });

  it('clears a GitHub login set to null', async () => {
    const { ports } = await withTeam();
    expect((await changePerson(admin, 'dana', { github_login: null }, ports)).person.github_login).toBeNull();
  });

  it('keeps the version for a change that changes nothing, and still asks for attribution', async () => {
    const { ports } = await withTeam();
    const same = await changePerson(admin, 'dana', { groups: ['platform'] }, ports);
    expect(same.version).toBe(1);
    expect(ports.reattribution.requests.map((request) => request.roster_version)).toEqual([1, 1]);
  });

  it('reports an identity another person claims against the request body, naming that person', async () => {
    const { ports, stored } = await withTeam();
    const error = await failure(changePerson(admin, 'dana', { emails: ['FOX@x.org'] }, ports));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toEqual([
      {
        field: 'body.emails.0',
        message: expect.stringContaining('already claimed by person fox (emails.0)'),
      },
    ]);
    const login = await failure(changePerson(admin, 'fox', { github_login: 'DANA-GH' }, ports));
    expect((login as ValidationError).issues.map((issue) => issue.field)).toEqual(['body.github_login']);
    expect((await stored()).version).toBe(1);
  });

  it('answers 404 for a person not on the roster, and 403 to members', async () => {
    const { ports, stored } = await withTeam();
    const missing = await failure(changePerson(admin, 'walter', { groups: ['data'] }, ports));
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing.message).toMatch(/^No person with that id/);
    expect(missing.message).not.toContain('walter');
    expect(await failure(changePerson(member, 'dana', { groups: ['data'] }, ports))).toBeInstanceOf(
      ForbiddenError,
    );
    expect((await stored()).version).toBe(1);
  });
});

describe('removing a person', () => {
  it('removes them as a new version and asks for attribution', async () => {
    const { ports, stored } = setup();
    await replaceRoster(admin, { people: [dana, fox] }, ports);
    await removePerson(admin, 'fox', ports);
    expect(await stored()).toMatchObject({ version: 2, people: [expect.objectContaining({ id: 'dana' })] });
    expect((await stored()).people).toHaveLength(1);
    expect(ports.reattribution.requests.map((request) => request.roster_version)).toEqual([1, 2]);
  });

  it('answers 404 for a person not on the roster, and 403 to members', async () => {
    const { ports, stored } = setup();
    await replaceRoster(admin, { people: [dana] }, ports);
    expect(await failure(removePerson(admin, 'fox', ports))).toBeInstanceOf(NotFoundError);
    expect(await failure(removePerson(member, 'dana', ports))).toBeInstanceOf(ForbiddenError);
    expect((await stored()).people).toHaveLength(1);
    expect(ports.reattribution.requests).toHaveLength(1);
  });
});

describe('two admins changing the roster at once', () => {
  /** A roster store where another admin's change lands just before each of the first `races` saves. */
  class RacingRoster extends MemoryRoster {
    saves = 0;
    constructor(
      public races: number,
      private readonly otherChange: (current: Roster) => Roster,
    ) {
      super();
    }

    override async save(roster: Roster): Promise<boolean> {
      this.saves++;
      if (this.races > 0) {
        this.races--;
        const current = await this.get(roster.team_id);
        this.rosters.set(roster.team_id, { ...this.otherChange(current), version: current.version + 1 });
      }
      return super.save(roster);
    }
  }

  const renameFox = (current: Roster): Roster => ({
    ...current,
    people: current.people.map((person) =>
      person.id === 'fox' ? { ...person, display_name: 'Agent Mulder' } : person,
    ),
  });

  it('both succeed: the change that lost the race is made again on top of the other', async () => {
    const roster = new RacingRoster(0, renameFox);
    const { ports, stored } = setup(roster);
    await replaceRoster(admin, { people: [dana, fox] }, ports);
    roster.races = 1;
    const changed = await changePerson(admin, 'dana', { groups: ['data'] }, ports);
    expect(changed.version).toBe(3);
    const people = (await stored()).people;
    expect(people.find((person) => person.id === 'fox')?.display_name).toBe('Agent Mulder');
    expect(people.find((person) => person.id === 'dana')?.groups).toEqual(['data']);
    expect(roster.saves).toBe(3);
    expect(ports.reattribution.requests.at(-1)?.roster_version).toBe(3);
  });

  it('gives up after five lost races without asking for attribution', async () => {
    const roster = new RacingRoster(0, renameFox);
    const { ports, stored } = setup(roster);
    await replaceRoster(admin, { people: [dana, fox] }, ports);
    roster.races = 100;
    const error = await failure(changePerson(admin, 'dana', { groups: ['data'] }, ports));
    expect(error.message).toMatch(/kept changing; 5 saves lost the race/);
    expect(roster.saves).toBe(1 + 5);
    expect((await stored()).people.find((person) => person.id === 'dana')?.groups).toEqual(['platform']);
    expect(ports.reattribution.requests).toHaveLength(1);
  });
});
