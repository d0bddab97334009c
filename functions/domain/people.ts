import type { Attribution } from './attribution';
import { type MatchRule } from './attribution';
import { activeOffsets, dayNumber, metricsOfVector, type IdentityBlock } from './identity-blocks';
import { acceptanceRate, addMetrics, zeroMetrics, type DeveloperRef, type UsageMetrics } from './metrics';

/**
 * Per-person usage across tools over a period, from identity blocks (never from developer-day rows): every
 * identity is attributed to one subject — a roster person, or itself when it matches nobody — and a subject's
 * active days are the union of its identities' active days, so a person active in two tools on one day counts
 * that day once.
 */
export interface IdentityView {
  provider: string;
  integration_id: string;
  key: string;
  kind: DeveloperRef['kind'];
  email?: string;
  login?: string;
  display_name?: string;
  /** How the identity was matched to the person; null for an identity that matches nobody. */
  matched_by: MatchRule | null;
}

export interface ToolUsage {
  provider: string;
  name: string;
  active_days: number;
  metrics: UsageMetrics;
  /** The tool's own acceptance (its sources summed); null when it showed nothing. */
  acceptance_rate: number | null;
}

export interface PersonUsage {
  /** `p_…` for a roster person, `i_…` for an identity that matches nobody. */
  id: string;
  kind: 'person' | 'identity';
  display_name: string;
  groups: string[];
  identities: IdentityView[];
  active_days: number;
  interactions: number;
  /**
   * Always null: acceptance is per tool only (`tools[].acceptance_rate`), as tools count a suggestion differently.
   * The field stays for clients that read it (decision 93).
   */
  acceptance_rate: null;
  cost_cents: number;
  teams: string[];
  tools: ToolUsage[];
}

export interface MatchRate {
  provider: string;
  name: string;
  interactions: number;
  /** Interactions of identities attributed to a roster person. */
  matched_interactions: number;
  /** matched / all (0–1, four decimals); null when the tool has no interactions in the period. */
  match_rate: number | null;
  identities: number;
  matched_identities: number;
}

interface Accumulator {
  id: string;
  kind: 'person' | 'identity';
  display_name: string;
  groups: string[];
  identities: Map<string, IdentityView>;
  days: Uint8Array;
  teams: Set<string>;
  tools: Map<string, { days: Uint8Array; metrics: UsageMetrics }>;
}

export const rate4 = (part: number, whole: number): number | null =>
  whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000;

/** How an identity that matches nobody is shown: its e-mail, login or name, else its key. */
export const identityLabel = (ref: DeveloperRef): string =>
  ref.email ?? ref.login ?? ref.display_name ?? ref.key;

export interface PeopleInput {
  blocks: readonly IdentityBlock[];
  /** First day of the period; every block lies within [start, start + days). */
  start: string;
  days: number;
  attribution: Attribution;
  toolName: (provider: string) => string;
  /**
   * The tool a provider's figures belong to (ProviderManifest.tool; by default the provider): a person's figures
   * are per tool, their two sources of one tool summed and their days joined. Match rates stay per source.
   */
  toolOf?: (provider: string) => string;
  /** Roster people without usage in the period get a row of zeros (so nobody silently drops out). */
  includeIdle?: boolean;
}

export function buildPeopleUsage(input: PeopleInput): { people: PersonUsage[]; match_rates: MatchRate[] } {
  const origin = dayNumber(input.start);
  const toolOf = input.toolOf ?? ((provider: string) => provider);
  const subjects = new Map<string, Accumulator>();
  const newest = new Map<string, number>();
  const match = new Map<
    string,
    { interactions: number; matched: number; identities: Set<string>; matchedIds: Set<string> }
  >();
  const subjectFor = (
    id: string,
    make: () => Omit<Accumulator, 'days' | 'tools' | 'teams' | 'identities'>,
  ) => {
    let entry = subjects.get(id);
    if (!entry) {
      entry = {
        ...make(),
        identities: new Map(),
        days: new Uint8Array(input.days),
        teams: new Set(),
        tools: new Map(),
      };
      subjects.set(id, entry);
    }
    return entry;
  };

  for (const block of input.blocks) {
    const offset = dayNumber(block.start) - origin;
    for (const identity of block.identities) {
      const resolution = input.attribution.resolve(block.provider, block.integration_id, identity.ref);
      const subject = subjectFor(resolution.subject, () =>
        resolution.person
          ? {
              id: resolution.person.id,
              kind: 'person',
              display_name: resolution.person.display_name,
              groups: resolution.person.groups,
            }
          : {
              id: resolution.subject,
              kind: 'identity',
              display_name: identityLabel(identity.ref),
              groups: [],
            },
      );
      const identityId = `${block.integration_id}|${identity.key}`;
      // The newest block names the identity as it is now (a renamed login).
      if ((newest.get(identityId) ?? -Infinity) <= offset) {
        newest.set(identityId, offset);
        subject.identities.set(identityId, {
          provider: block.provider,
          integration_id: block.integration_id,
          key: identity.key,
          kind: identity.ref.kind,
          ...(identity.ref.email ? { email: identity.ref.email } : {}),
          ...(identity.ref.login ? { login: identity.ref.login } : {}),
          ...(identity.ref.display_name ? { display_name: identity.ref.display_name } : {}),
          matched_by: resolution.rule,
        });
      }
      const toolId = toolOf(block.provider);
      let tool = subject.tools.get(toolId);
      if (!tool) {
        tool = { days: new Uint8Array(input.days), metrics: zeroMetrics() };
        subject.tools.set(toolId, tool);
      }
      const metrics = metricsOfVector(identity.metrics);
      addMetrics(tool.metrics, metrics);
      for (const day of activeOffsets(identity, block.level)) {
        const index = offset + day;
        if (index >= 0 && index < input.days) {
          subject.days[index] = 1;
          tool.days[index] = 1;
        }
      }
      for (const team of identity.teams ?? []) subject.teams.add(team);

      const provider = match.get(block.provider) ?? {
        interactions: 0,
        matched: 0,
        identities: new Set(),
        matchedIds: new Set(),
      };
      provider.interactions += metrics.interactions;
      provider.identities.add(identityId);
      if (resolution.person) {
        provider.matched += metrics.interactions;
        provider.matchedIds.add(identityId);
      }
      match.set(block.provider, provider);
    }
  }
  if (input.includeIdle) {
    for (const person of input.attribution.roster.people) {
      subjectFor(person.id, () => ({
        id: person.id,
        kind: 'person',
        display_name: person.display_name,
        groups: person.groups,
      }));
    }
  }

  const count = (days: Uint8Array) => days.reduce((sum, day) => sum + day, 0);
  const people = [...subjects.values()].map((subject): PersonUsage => {
    const total = zeroMetrics();
    for (const tool of subject.tools.values()) addMetrics(total, tool.metrics);
    return {
      id: subject.id,
      kind: subject.kind,
      display_name: subject.display_name,
      groups: subject.groups,
      identities: [...subject.identities.values()].sort(
        (a, b) => a.provider.localeCompare(b.provider) || a.key.localeCompare(b.key),
      ),
      active_days: count(subject.days),
      interactions: total.interactions,
      // No rate across tools: one person's Copilot completions and Claude Code edits are unlike things.
      acceptance_rate: null,
      cost_cents: total.cost_cents,
      teams: [...subject.teams].sort(),
      tools: [...subject.tools.entries()]
        .map(([provider, tool]) => ({
          provider,
          name: input.toolName(provider),
          active_days: count(tool.days),
          metrics: tool.metrics,
          acceptance_rate: acceptanceRate(tool.metrics),
        }))
        .sort(
          (a, b) => b.metrics.interactions - a.metrics.interactions || a.provider.localeCompare(b.provider),
        ),
    };
  });
  const match_rates = [...match.entries()]
    .map(([provider, figures]) => ({
      provider,
      name: input.toolName(provider),
      interactions: figures.interactions,
      matched_interactions: figures.matched,
      match_rate: rate4(figures.matched, figures.interactions),
      identities: figures.identities.size,
      matched_identities: figures.matchedIds.size,
    }))
    .sort((a, b) => a.provider.localeCompare(b.provider));
  return { people, match_rates };
}

export const SORT_FIELDS = ['interactions', 'active_days', 'cost_cents', 'acceptance_rate', 'name'] as const;
export type SortField = (typeof SORT_FIELDS)[number];

/** A person's acceptance with one tool; null when they did not use it or it showed them nothing. */
export const toolAcceptanceRate = (person: PersonUsage, tool: string): number | null =>
  person.tools.find((entry) => entry.provider === tool)?.acceptance_rate ?? null;

/**
 * Sorted rows; ties broken by name, then id, so pages never overlap or skip. `acceptance_rate` orders by one
 * tool's rate (`tool`), never a rate across tools; people without one come below 0.
 */
export function sortPeople(
  people: PersonUsage[],
  field: SortField,
  order: 'asc' | 'desc',
  tool?: string,
): PersonUsage[] {
  const sign = order === 'asc' ? 1 : -1;
  const value = (person: PersonUsage): number | string =>
    field === 'name'
      ? person.display_name.toLowerCase()
      : field === 'acceptance_rate'
        ? tool === undefined
          ? -1
          : (toolAcceptanceRate(person, tool) ?? -1)
        : person[field];
  return [...people].sort((a, b) => {
    const x = value(a);
    const y = value(b);
    const primary = typeof x === 'string' ? x.localeCompare(y as string) : x - (y as number);
    return (
      sign * primary ||
      a.display_name.toLowerCase().localeCompare(b.display_name.toLowerCase()) ||
      a.id.localeCompare(b.id)
    );
  });
}
