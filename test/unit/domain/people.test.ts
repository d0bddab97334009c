import { Attribution } from '../../../functions/domain/attribution';
import { addDays, daysBetween } from '../../../functions/domain/dates';
import {
  childBlocks,
  coveringBlocks,
  dayBlock,
  mergeBlocks,
  type BlockRef,
  type IdentityBlock,
} from '../../../functions/domain/identity-blocks';
import {
  emptyBreakdowns,
  zeroMetrics,
  type DeveloperDayUsage,
  type DeveloperRef,
  type UsageMetrics,
} from '../../../functions/domain/metrics';
import { buildPeopleUsage, sortPeople, type PersonUsage } from '../../../functions/domain/people';
import { emptyRoster, toPerson, type PersonInput } from '../../../functions/domain/roster';

const START = '2026-06-01';
const DAYS = 14;
const END = addDays(START, DAYS - 1);
const TOOLS: Record<string, string> = { claude_code: 'Claude Code', github_copilot: 'GitHub Copilot' };
const toolName = (provider: string) => TOOLS[provider] ?? provider;

interface Integration {
  integration_id: string;
  provider: string;
}
const claude: Integration = { integration_id: 'int_c', provider: 'claude_code' };
const copilot: Integration = { integration_id: 'int_g', provider: 'github_copilot' };

const email = (address: string): DeveloperRef => ({ key: `email:${address}`, kind: 'user', email: address });
const github = (id: number, login: string): DeveloperRef => ({ key: `github:${id}`, kind: 'user', login });

const usage = (developer: DeveloperRef, interactions: number, metrics: Partial<UsageMetrics> = {}) => ({
  developer,
  active: interactions > 0,
  metrics: { ...zeroMetrics(), interactions, ...metrics },
  breakdowns: emptyBreakdowns(),
  extras: {},
});

/** Stored days of one integration: date → rows. */
type Days = Map<string, Omit<DeveloperDayUsage, 'date'>[]>;

/** The blocks that cover [START, END] for one integration, built bottom-up from its days as the store does. */
function periodBlocks(integration: Integration, days: Days): IdentityBlock[] {
  let stamp = 0;
  const build = (block: BlockRef): IdentityBlock | undefined => {
    if (block.level === 0) {
      const rows = days.get(block.start);
      return rows
        ? dayBlock(
            { ...integration, stamp: `s${stamp++}` },
            block.start,
            rows.map((row) => ({ ...row, date: block.start })),
          )
        : undefined;
    }
    const [left, right] = childBlocks(block).map(build);
    return left || right
      ? mergeBlocks({ ...integration, stamp: `s${stamp++}` }, block, left, right)
      : undefined;
  };
  return coveringBlocks(START, END).flatMap((block) => build(block) ?? []);
}

const rosterOf = (...inputs: PersonInput[]) =>
  new Attribution({ ...emptyRoster('t'), version: 1, people: inputs.map(toPerson) });

const dana = {
  id: 'dana',
  display_name: 'Dana',
  emails: ['dana@x.org'],
  github_login: 'dana-gh',
  groups: ['a'],
};
const fox = { id: 'fox', display_name: 'Fox', emails: ['fox@x.org'], groups: ['a', 'b'] };

const people = (blocks: IdentityBlock[], attribution: Attribution, includeIdle = false) =>
  buildPeopleUsage({ blocks, start: START, days: DAYS, attribution, toolName, includeIdle });
const row = (rows: PersonUsage[], id: string) => rows.find((person) => person.id === id);

describe('per-person usage across tools', () => {
  it('counts a day once for a person active in two tools that day', () => {
    const blocks = [
      ...periodBlocks(
        claude,
        new Map([
          ['2026-06-03', [usage(email('dana@x.org'), 2)]],
          ['2026-06-04', [usage(email('dana@x.org'), 3)]],
        ]),
      ),
      ...periodBlocks(
        copilot,
        new Map([
          ['2026-06-04', [usage(github(7, 'dana-gh'), 5)]],
          ['2026-06-05', [usage(github(7, 'dana-gh'), 1)]],
        ]),
      ),
    ];
    const { people: rows } = people(blocks, rosterOf(dana));
    expect(rows).toHaveLength(1);
    const person = rows[0];
    expect(person).toMatchObject({ id: 'dana', kind: 'person', display_name: 'Dana', groups: ['a'] });
    expect(person?.active_days).toBe(3);
    expect(person?.interactions).toBe(11);
    expect(
      person?.tools.map((tool) => [tool.provider, tool.name, tool.active_days, tool.metrics.interactions]),
    ).toEqual([
      ['github_copilot', 'GitHub Copilot', 2, 6],
      ['claude_code', 'Claude Code', 2, 5],
    ]);
    expect(person?.identities).toEqual([
      {
        provider: 'claude_code',
        integration_id: 'int_c',
        key: 'email:dana@x.org',
        kind: 'user',
        email: 'dana@x.org',
        matched_by: 'email',
      },
      {
        provider: 'github_copilot',
        integration_id: 'int_g',
        key: 'github:7',
        kind: 'user',
        login: 'dana-gh',
        matched_by: 'github_login',
      },
    ]);
  });

  it('adds up to what the days hold: interactions, cost and active days of every row', () => {
    // A fortnight of made-up usage in two tools; some people are on the roster, some are not.
    const identities = {
      claude_code: [email('dana@x.org'), email('fox@x.org'), email('stranger@x.org')],
      github_copilot: [github(7, 'dana-gh'), github(8, 'unknown-gh'), email('fox@x.org')],
    };
    const stored: Record<string, Days> = { claude_code: new Map(), github_copilot: new Map() };
    let seed = 3;
    const next = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (const day of daysBetween(START, END)) {
      for (const [provider, refs] of Object.entries(identities)) {
        const rows = refs
          .filter(() => next() < 0.6)
          .map((ref) => {
            const interactions = next() < 0.2 ? 0 : Math.floor(next() * 9);
            return usage(ref, interactions, { cost_cents: Math.floor(next() * 50) });
          });
        if (rows.length) stored[provider]?.set(day, rows);
      }
    }
    const blocks = [
      ...periodBlocks(claude, stored.claude_code as Days),
      ...periodBlocks(copilot, stored.github_copilot as Days),
    ];
    expect(blocks.length).toBeLessThan(2 * DAYS);
    const attribution = rosterOf(dana, fox);
    const { people: rows } = people(blocks, attribution);

    // The same figures, straight from the rows.
    const expected = new Map<string, { interactions: number; cost: number; days: Set<string> }>();
    for (const [provider, days] of Object.entries(stored)) {
      const integration = provider === 'claude_code' ? claude : copilot;
      for (const [day, dayRows] of days) {
        for (const dayRow of dayRows) {
          const subject = attribution.resolve(provider, integration.integration_id, dayRow.developer).subject;
          const entry = expected.get(subject) ?? { interactions: 0, cost: 0, days: new Set<string>() };
          entry.interactions += dayRow.metrics.interactions;
          entry.cost += dayRow.metrics.cost_cents;
          if (dayRow.active || dayRow.metrics.interactions > 0) entry.days.add(day);
          expected.set(subject, entry);
        }
      }
    }
    expect(rows.map((person) => person.id).sort()).toEqual([...expected.keys()].sort());
    for (const person of rows) {
      const want = expected.get(person.id);
      expect([person.id, person.interactions, person.cost_cents, person.active_days]).toEqual([
        person.id,
        want?.interactions,
        want?.cost,
        want?.days.size,
      ]);
    }
    // Fox's e-mail in two tools is one person; the two strangers are two identities.
    expect(row(rows, 'fox')?.identities).toHaveLength(2);
    expect(rows.filter((person) => person.kind === 'identity')).toHaveLength(2);
  });

  it('shows an identity that matches nobody as itself, by its e-mail, login, name or key', () => {
    const blocks = periodBlocks(
      claude,
      new Map([
        [
          '2026-06-02',
          [
            usage(email('stranger@x.org'), 1),
            usage(github(9, 'octo'), 1),
            usage({ key: 'api_key:ci', kind: 'service', display_name: 'CI bot' }, 1),
            usage({ key: 'api_key:nameless', kind: 'service' }, 1),
          ],
        ],
      ]),
    );
    const { people: rows } = people(blocks, rosterOf(dana));
    expect(rows.map((person) => [person.kind, person.display_name, person.groups]).sort()).toEqual([
      ['identity', 'CI bot', []],
      ['identity', 'api_key:nameless', []],
      ['identity', 'octo', []],
      ['identity', 'stranger@x.org', []],
    ]);
    expect(rows.every((person) => /^i_[0-9a-f]{16}$/.test(person.id))).toBe(true);
    expect(rows.every((person) => person.identities[0]?.matched_by === null)).toBe(true);
  });

  it('measures, per tool, the share of interactions and identities matched to roster people', () => {
    const blocks = [
      ...periodBlocks(
        claude,
        new Map([
          ['2026-06-02', [usage(email('dana@x.org'), 3), usage(email('stranger@x.org'), 1)]],
          ['2026-06-03', [usage(email('dana@x.org'), 2), usage(email('other@x.org'), 0)]],
        ]),
      ),
      ...periodBlocks(copilot, new Map([['2026-06-02', [usage(github(8, 'nobody'), 0)]]])),
    ];
    const { match_rates } = people(blocks, rosterOf(dana));
    expect(match_rates).toEqual([
      {
        provider: 'claude_code',
        name: 'Claude Code',
        interactions: 6,
        matched_interactions: 5,
        match_rate: 0.8333,
        identities: 3,
        matched_identities: 1,
      },
      {
        provider: 'github_copilot',
        name: 'GitHub Copilot',
        interactions: 0,
        matched_interactions: 0,
        match_rate: null,
        identities: 1,
        matched_identities: 0,
      },
    ]);
  });

  it('gives roster people without usage a row of zeros only when asked to', () => {
    const blocks = periodBlocks(claude, new Map([['2026-06-02', [usage(email('dana@x.org'), 3)]]]));
    expect(people(blocks, rosterOf(dana, fox)).people.map((person) => person.id)).toEqual(['dana']);
    const withIdle = people(blocks, rosterOf(dana, fox), true).people;
    expect(withIdle.map((person) => person.id).sort()).toEqual(['dana', 'fox']);
    expect(row(withIdle, 'fox')).toEqual({
      id: 'fox',
      kind: 'person',
      display_name: 'Fox',
      groups: ['a', 'b'],
      identities: [],
      active_days: 0,
      interactions: 0,
      acceptance_rate: null,
      cost_cents: 0,
      teams: [],
      tools: [],
    });
  });

  it('names an identity as its newest block does, whatever order the blocks come in', () => {
    const blocks = periodBlocks(
      copilot,
      new Map([
        ['2026-06-01', [usage(github(9, 'old-login'), 1)]],
        ['2026-06-12', [usage(github(9, 'new-login'), 1)]],
      ]),
    );
    for (const order of [blocks, [...blocks].reverse()]) {
      const [person] = people(order, rosterOf()).people;
      expect(person?.identities.map((identity) => identity.login)).toEqual(['new-login']);
    }
  });

  it('adds acceptance and the provider teams a person was named in', () => {
    const blocks = periodBlocks(
      copilot,
      new Map([
        [
          '2026-06-02',
          [
            {
              ...usage(github(7, 'dana-gh'), 4, { suggestions_shown: 3, suggestions_accepted: 1 }),
              teams: ['web'],
            },
          ],
        ],
        [
          '2026-06-03',
          [
            {
              ...usage(github(7, 'dana-gh'), 4, { suggestions_shown: 1, suggestions_accepted: 1 }),
              teams: ['api'],
            },
          ],
        ],
      ]),
    );
    const [person] = people(blocks, rosterOf(dana)).people;
    expect(person?.tools.map((tool) => [tool.provider, tool.acceptance_rate])).toEqual([
      ['github_copilot', 0.5],
    ]);
    expect(person?.teams).toEqual(['api', 'web']);
  });

  it('gives acceptance per tool, its sources summed, and no rate across tools', () => {
    const enterprise: Integration = { integration_id: 'int_e', provider: 'claude_enterprise' };
    const blocks = [
      // Copilot: completions shown and accepted.
      ...periodBlocks(
        copilot,
        new Map([
          [
            '2026-06-02',
            [usage(github(7, 'dana-gh'), 12, { suggestions_shown: 10, suggestions_accepted: 3 })],
          ],
        ]),
      ),
      // Claude Code's two sources: edit decisions, one tool.
      ...periodBlocks(
        claude,
        new Map([
          ['2026-06-02', [usage(email('dana@x.org'), 3, { suggestions_shown: 2, suggestions_accepted: 2 })]],
        ]),
      ),
      ...periodBlocks(
        enterprise,
        new Map([
          ['2026-06-03', [usage(email('dana@x.org'), 3, { suggestions_shown: 2, suggestions_accepted: 0 })]],
        ]),
      ),
      // A tool that shows nothing to accept.
      ...periodBlocks(
        { integration_id: 'int_i', provider: 'chatgpt' },
        new Map([['2026-06-04', [usage(email('dana@x.org'), 5)]]]),
      ),
    ];
    const { people: rows } = buildPeopleUsage({
      blocks,
      start: START,
      days: DAYS,
      attribution: rosterOf(dana),
      toolName,
      toolOf: (provider) => (provider === 'claude_enterprise' ? 'claude_code' : provider),
    });
    const person = row(rows, 'dana');
    expect(person?.tools.map((tool) => [tool.provider, tool.acceptance_rate])).toEqual([
      ['github_copilot', 0.3],
      ['claude_code', 0.5],
      ['chatgpt', null],
    ]);
    // 5 of 14 "suggestions" across the tools would be a number about nothing.
    expect(person?.acceptance_rate).toBeNull();
  });
});

describe('sorting people', () => {
  const person = (id: string, display_name: string, figures: Partial<PersonUsage> = {}): PersonUsage => ({
    id,
    kind: 'person',
    display_name,
    groups: [],
    identities: [],
    active_days: 0,
    interactions: 0,
    acceptance_rate: null,
    cost_cents: 0,
    teams: [],
    tools: [],
    ...figures,
  });
  const ids = (rows: PersonUsage[]) => rows.map((row) => row.id);
  const tool = (provider: string, acceptance_rate: number | null) => ({
    provider,
    name: provider,
    active_days: 1,
    metrics: zeroMetrics(),
    acceptance_rate,
  });
  const rows = [
    person('p3', 'carol', {
      interactions: 5,
      active_days: 2,
      cost_cents: 10,
      tools: [tool('github_copilot', 0.5), tool('claude_code', 0.1)],
    }),
    person('p1', 'Bob', { interactions: 9, active_days: 2, cost_cents: 0, tools: [tool('cursor', 0.99)] }),
    person('p2', 'alice', {
      interactions: 5,
      active_days: 7,
      cost_cents: 10,
      tools: [tool('github_copilot', 0), tool('claude_code', 0.95)],
    }),
    person('p5', 'Alice', {
      interactions: 5,
      active_days: 1,
      cost_cents: 3,
      tools: [tool('github_copilot', 0.9)],
    }),
  ];

  it('orders by a figure, breaking ties by name then id, in either direction', () => {
    expect(ids(sortPeople(rows, 'interactions', 'desc'))).toEqual(['p1', 'p2', 'p5', 'p3']);
    expect(ids(sortPeople(rows, 'interactions', 'asc'))).toEqual(['p2', 'p5', 'p3', 'p1']);
    expect(ids(sortPeople(rows, 'active_days', 'desc'))).toEqual(['p2', 'p1', 'p3', 'p5']);
    expect(ids(sortPeople(rows, 'cost_cents', 'desc'))).toEqual(['p2', 'p3', 'p5', 'p1']);
  });

  it('orders by name whatever its case, and by one tool’s acceptance with people without it below 0', () => {
    expect(ids(sortPeople(rows, 'name', 'asc'))).toEqual(['p2', 'p5', 'p1', 'p3']);
    expect(ids(sortPeople(rows, 'name', 'desc'))).toEqual(['p3', 'p1', 'p2', 'p5']);
    expect(ids(sortPeople(rows, 'acceptance_rate', 'desc', 'github_copilot'))).toEqual([
      'p5',
      'p3',
      'p2',
      'p1',
    ]);
    expect(ids(sortPeople(rows, 'acceptance_rate', 'asc', 'github_copilot'))).toEqual([
      'p1',
      'p2',
      'p3',
      'p5',
    ]);
    // Another tool, another order: Bob's Cursor rate never meets the others' Copilot rates.
    expect(ids(sortPeople(rows, 'acceptance_rate', 'desc', 'claude_code'))).toEqual(['p2', 'p3', 'p5', 'p1']);
  });

  it('gives the same order whatever order the rows come in, and leaves the rows as they were', () => {
    const before = ids(rows);
    const sorted = ids(sortPeople(rows, 'interactions', 'desc'));
    for (const shuffled of [[...rows].reverse(), [rows[2], rows[0], rows[3], rows[1]] as PersonUsage[]]) {
      expect(ids(sortPeople(shuffled, 'interactions', 'desc'))).toEqual(sorted);
    }
    expect(ids(rows)).toEqual(before);
  });
});
