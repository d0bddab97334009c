import { requireAdmin } from './authorization';
import type { Caller } from '../model';
import type { AttributionQueue, Clock, Log, RosterRepository } from '../ports';
import {
  DEFAULT_MIN_GROUP_SIZE,
  assertValidPeople,
  groupSizes,
  personOf,
  sameRoster,
  toPerson,
  type Person,
  type PersonInput,
  type Roster,
} from '../roster';

/**
 * The roster API's use cases: read (any member), replace whole, change or remove one person (admins).
 * Every change is a new roster version followed by a request to attribute stored days again, so group
 * figures follow the roster (per-person figures follow it at once: they are attributed when read).
 */
export interface RosterView {
  team_id: string;
  version: number;
  min_group_size: number;
  updated_at: string | null;
  people: Person[];
  groups: { name: string; size: number }[];
}

export interface ReadRosterPorts {
  roster: Pick<RosterRepository, 'get'>;
}

export interface ChangeRosterPorts {
  roster: RosterRepository;
  reattribution: AttributionQueue;
  clock: Clock;
  log: Log;
}

/** Optimistic-lock retries: two admins saving at the same moment both succeed, one after the other. */
const SAVE_ATTEMPTS = 5;

export function rosterView(roster: Roster): RosterView {
  return {
    team_id: roster.team_id,
    version: roster.version,
    min_group_size: roster.min_group_size,
    updated_at: roster.updated_at,
    people: [...roster.people].sort(
      (a, b) => a.display_name.localeCompare(b.display_name) || a.id.localeCompare(b.id),
    ),
    groups: [...groupSizes(roster)]
      .map(([name, size]) => ({ name, size }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}

export async function readRoster(caller: Caller, ports: ReadRosterPorts): Promise<RosterView> {
  return rosterView(await ports.roster.get(caller.teamId));
}

/**
 * Read, change, save under the version read; again if another change came first. Re-attribution is asked for
 * even when nothing changed: it is idempotent (days already attributed to this version are skipped), and it
 * heals a change whose request was lost.
 */
async function change(
  caller: Caller,
  ports: ChangeRosterPorts,
  next: (current: Roster) => Pick<Roster, 'people' | 'min_group_size'>,
): Promise<Roster> {
  for (let attempt = 1; attempt <= SAVE_ATTEMPTS; attempt++) {
    const current = await ports.roster.get(caller.teamId);
    const proposed = next(current);
    let stored = current;
    if (!sameRoster(current, proposed)) {
      const candidate: Roster = {
        ...current,
        ...proposed,
        version: current.version + 1,
        updated_at: ports.clock.now().toISOString(),
        updated_by: caller.subject,
      };
      if (!(await ports.roster.save(candidate))) continue;
      stored = candidate;
      ports.log.info('roster changed', {
        team_id: caller.teamId,
        version: stored.version,
        people: stored.people.length,
      });
    }
    if (stored.version > 0) {
      await ports.reattribution.requestReattribution({
        team_id: caller.teamId,
        roster_version: stored.version,
        requested_at: ports.clock.now().toISOString(),
      });
    }
    return stored;
  }
  throw new Error(`the roster of team ${caller.teamId} kept changing; ${SAVE_ATTEMPTS} saves lost the race`);
}

/** PUT /members: the whole roster; the same body twice changes nothing the second time. */
export async function replaceRoster(
  caller: Caller,
  input: { people: PersonInput[]; min_group_size?: number | undefined },
  ports: ChangeRosterPorts,
): Promise<RosterView> {
  requireAdmin(caller);
  const people = input.people.map(toPerson);
  assertValidPeople(
    people,
    (index) => `people.${index}`,
    (index) => input.people[index]?.id !== undefined,
  );
  const roster = await change(caller, ports, () => ({
    people,
    min_group_size: input.min_group_size ?? DEFAULT_MIN_GROUP_SIZE,
  }));
  return rosterView(roster);
}

/** PATCH /members/{id}: replaces the fields given; the rest of the person stays. */
export async function changePerson(
  caller: Caller,
  personId: string,
  patch: Partial<Omit<PersonInput, 'id'>>,
  ports: ChangeRosterPorts,
): Promise<{ version: number; person: Person }> {
  requireAdmin(caller);
  const roster = await change(caller, ports, (current) => {
    const person = personOf(current, personId);
    const changed = toPerson({ ...person, ...patch, id: person.id });
    const others = current.people.filter((candidate) => candidate.id !== personId);
    // The changed person last, so a clash is reported against the request ("body…"), not the other person.
    const people = [...others, changed];
    assertValidPeople(people, (index) =>
      index === others.length ? 'body' : `person ${(people[index] as Person).id}`,
    );
    return { people, min_group_size: current.min_group_size };
  });
  return { version: roster.version, person: personOf(roster, personId) };
}

/** DELETE /members/{id}: the person's usage stays, attributed to their identities again. */
export async function removePerson(
  caller: Caller,
  personId: string,
  ports: ChangeRosterPorts,
): Promise<void> {
  requireAdmin(caller);
  await change(caller, ports, (current) => {
    personOf(current, personId);
    return {
      people: current.people.filter((person) => person.id !== personId),
      min_group_size: current.min_group_size,
    };
  });
}
