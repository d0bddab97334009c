import { Attribution } from '../../../functions/domain/attribution';
import { attributeDay, type DayDigest } from '../../../functions/domain/day-attribution';
import {
  emptyBreakdowns,
  zeroMetrics,
  type DeveloperDayUsage,
  type DeveloperRef,
} from '../../../functions/domain/metrics';
import { emptyRoster, toPerson, type PersonInput } from '../../../functions/domain/roster';

const DATE = '2026-06-10';

const email = (address: string): DeveloperRef => ({ key: `email:${address}`, kind: 'user', email: address });
const github = (id: number, login: string): DeveloperRef => ({ key: `github:${id}`, kind: 'user', login });
const apiKey = (name: string): DeveloperRef => ({
  key: `api_key:${name}`,
  kind: 'service',
  display_name: name,
});

const row = (
  developer: DeveloperRef,
  interactions: number,
  active = interactions > 0,
): DeveloperDayUsage => ({
  date: DATE,
  developer,
  active,
  metrics: { ...zeroMetrics(), interactions, cost_cents: interactions * 10 },
  breakdowns: { ...emptyBreakdowns(), models: interactions ? { opus: { interactions } } : {} },
  extras: {},
});

const digest = (integration_id: string, provider: string, rows: DeveloperDayUsage[]): DayDigest => ({
  integration_id,
  provider,
  stamp: `stamp-${integration_id}`,
  rows,
});

const attributionOf = (...inputs: PersonInput[]) =>
  new Attribution({ ...emptyRoster('t'), version: 4, people: inputs.map(toPerson) });

const dana = {
  id: 'dana',
  display_name: 'Dana',
  emails: ['dana@x.org'],
  github_login: 'dana-gh',
  identities: [{ provider: 'claude_code', key: 'api_key:dana-laptop' }],
  groups: ['platform'],
};
const fox = { id: 'fox', display_name: 'Fox', emails: ['fox@x.org'], groups: ['platform', 'data'] };
const walter = { id: 'walter', display_name: 'Walter', emails: ['walter@x.org'], groups: ['data'] };

describe('attributing a day to people', () => {
  it('counts the people of two organisations of one tool once each: the union, not the larger', () => {
    const { day } = attributeDay(
      't',
      DATE,
      [
        digest('int_a', 'claude_code', [row(email('dana@x.org'), 2), row(email('fox@x.org'), 1)]),
        digest('int_b', 'claude_code', [row(email('fox@x.org'), 4), row(email('walter@x.org'), 1)]),
      ],
      attributionOf(dana, fox, walter),
    );
    expect(day.team).toEqual({ active_people: 3, by_provider: { claude_code: 3 } });
  });

  it('counts an e-mail that matches nobody once across organisations, and another key once per organisation', () => {
    // A key that is neither an e-mail nor a GitHub account means nothing outside its organisation.
    const local: DeveloperRef = { key: 'user_id:42', kind: 'user' };
    const { day } = attributeDay(
      't',
      DATE,
      [
        digest('int_a', 'claude_code', [row(email('stranger@x.org'), 2), row(local, 1)]),
        digest('int_b', 'claude_code', [row(email('stranger@x.org'), 1), row(local, 1)]),
      ],
      attributionOf(dana),
    );
    expect(day.team).toEqual({ active_people: 3, by_provider: { claude_code: 3 } });
  });

  it('counts a person active in two tools once for the team and once in each tool', () => {
    const { day } = attributeDay(
      't',
      DATE,
      [
        digest('int_c', 'claude_code', [row(email('dana@x.org'), 2)]),
        digest('int_g', 'github_copilot', [row(github(7, 'dana-gh'), 3)]),
      ],
      attributionOf(dana),
    );
    expect(day.team).toEqual({ active_people: 1, by_provider: { claude_code: 1, github_copilot: 1 } });
  });

  it('counts a person reported by two sources of one tool once in that tool, and keys its figures by the tool', () => {
    const toolOf = (provider: string) => (provider === 'claude_enterprise' ? 'claude_code' : provider);
    const { day } = attributeDay(
      't',
      DATE,
      [
        digest('int_api', 'claude_code', [row(email('dana@x.org'), 2), row(email('walter@x.org'), 1)]),
        digest('int_seats', 'claude_enterprise', [row(email('dana@x.org'), 5), row(email('fox@x.org'), 3)]),
      ],
      attributionOf(dana, fox),
      toolOf,
    );
    expect(day.team).toEqual({ active_people: 3, by_provider: { claude_code: 3 } });
    expect(day.groups.platform).toEqual({ active_people: 2, by_provider: { claude_code: 2 } });
    expect(day.matched).toEqual({ claude_code: { interactions: 11, matched_interactions: 10 } });
  });

  it('does not count a service identity as a person unless a person claims it', () => {
    const { day } = attributeDay(
      't',
      DATE,
      [
        digest('int_c', 'claude_code', [
          row(apiKey('ci-pipeline'), 40),
          row(apiKey('dana-laptop'), 5),
          row(email('fox@x.org'), 1),
        ]),
      ],
      attributionOf(dana, fox),
    );
    expect(day.team).toEqual({ active_people: 2, by_provider: { claude_code: 2 } });
    // The unclaimed key's interactions are still the tool's, just not matched to anybody.
    expect(day.matched).toEqual({ claude_code: { interactions: 46, matched_interactions: 6 } });
  });

  it('counts a row as active when the provider says so or it has interactions, and otherwise not', () => {
    const { day } = attributeDay(
      't',
      DATE,
      [
        digest('int_c', 'claude_code', [
          row(email('dana@x.org'), 0, false),
          row(email('fox@x.org'), 0, true),
          row(email('walter@x.org'), 2, false),
        ]),
      ],
      attributionOf(dana, fox, walter),
    );
    expect(day.team.active_people).toBe(2);
  });

  it('records the team, the day, the roster version and the stamp of each digest attributed', () => {
    const { day } = attributeDay(
      't',
      DATE,
      [digest('int_a', 'claude_code', []), digest('int_g', 'github_copilot', [])],
      attributionOf(dana),
    );
    expect(day).toEqual({
      team_id: 't',
      date: DATE,
      roster_version: 4,
      stamps: { int_a: 'stamp-int_a', int_g: 'stamp-int_g' },
      team: { active_people: 0, by_provider: {} },
      groups: {},
      matched: {
        claude_code: { interactions: 0, matched_interactions: 0 },
        github_copilot: { interactions: 0, matched_interactions: 0 },
      },
    });
  });
});

describe('attributing a day to groups', () => {
  const digests = [
    digest('int_a', 'claude_code', [
      row(email('dana@x.org'), 2),
      row(apiKey('dana-laptop'), 3),
      row(email('fox@x.org'), 5),
      row(email('walter@x.org'), 0, false),
      row(email('stranger@x.org'), 100),
    ]),
    digest('int_b', 'claude_code', [row(email('fox@x.org'), 1)]),
    digest('int_g', 'github_copilot', [row(github(7, 'dana-gh'), 7)]),
  ];
  const { day, rollups } = attributeDay('t', DATE, digests, attributionOf(dana, fox, walter));
  const rollup = (group: string, integration: string) =>
    rollups.find((candidate) => candidate.group === group && candidate.integration_id === integration);

  it('counts the distinct people of each group, overall and per tool', () => {
    expect(day.groups).toEqual({
      platform: { active_people: 2, by_provider: { claude_code: 2, github_copilot: 1 } },
      data: { active_people: 1, by_provider: { claude_code: 1 } },
    });
    expect(day.team).toEqual({ active_people: 3, by_provider: { claude_code: 3, github_copilot: 1 } });
  });

  it('writes one rollup per group and integration that sums the members’ rows only', () => {
    expect(rollups.map((candidate) => `${candidate.group}|${candidate.integration_id}`).sort()).toEqual([
      'data|int_a',
      'data|int_b',
      'platform|int_a',
      'platform|int_b',
      'platform|int_g',
    ]);
    expect(rollup('platform', 'int_a')).toMatchObject({
      team_id: 't',
      provider: 'claude_code',
      date: DATE,
      // Dana's e-mail and claimed key, and Fox: the stranger's 100 are nobody's group's.
      metrics: { interactions: 10, cost_cents: 100 },
      breakdowns: { models: { opus: { interactions: 10 } } },
      developers: 3,
      // Dana's two identities in one tool are one active developer of the group.
      active_developers: 2,
    });
    expect(rollup('data', 'int_a')).toMatchObject({
      metrics: { interactions: 5 },
      developers: 2,
      active_developers: 1,
    });
    expect(rollup('data', 'int_b')?.metrics.interactions).toBe(1);
    expect(rollup('platform', 'int_g')).toMatchObject({ metrics: { interactions: 7 }, active_developers: 1 });
  });

  it('measures per tool the interactions matched to roster people', () => {
    expect(day.matched).toEqual({
      claude_code: { interactions: 111, matched_interactions: 11 },
      github_copilot: { interactions: 7, matched_interactions: 7 },
    });
  });
});
