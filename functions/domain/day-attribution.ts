import type { Attribution } from './attribution';
import { activeRow } from './identity-blocks';
import type { DeveloperDayUsage } from './metrics';
import type { DailyRollup } from './model';
import { summarizeDay } from './rollup';

/**
 * One day of the team attributed to people and groups, written when the day is stored and again when the
 * roster changes: the distinct people active (the team's and each group's, overall and per tool), the share
 * of interactions matched to roster people, and one rollup per group and integration — what group dashboards
 * read, so they cost O(days × integrations) items like the team's.
 */
export interface DayDigest {
  integration_id: string;
  provider: string;
  /** The stamp of the stored day this digest is (changes whenever the day is stored again). */
  stamp: string;
  rows: DeveloperDayUsage[];
}

export interface ActivePeople {
  /**
   * Distinct people active that day: roster people, and user identities that match nobody (each its own
   * person). Service identities (API keys) count only when a person claims them.
   */
  active_people: number;
  /**
   * Distinct people active per tool, keyed by the tool's id (`toolOf`: Claude Code's two sources, the Admin API
   * and the Enterprise Analytics API, are one tool, so a person in both is counted once).
   */
  by_provider: Record<string, number>;
}

export interface DayAttribution {
  team_id: string;
  date: string;
  roster_version: number;
  /** integration id → stamp of the stored day attributed (to tell when a day changed under a writer). */
  stamps: Record<string, string>;
  team: ActivePeople;
  groups: Record<string, ActivePeople>;
  /** tool (`toolOf` of the provider) → interactions, and those attributed to a roster person. */
  matched: Record<string, { interactions: number; matched_interactions: number }>;
}

/** What a dashboard reads of a day's attribution: the team's people (or one group's), and the matched share. */
export type DayPeople = Pick<DayAttribution, 'date' | 'roster_version' | 'team' | 'matched'> & {
  /** The group asked for, where the day has people of it. */
  group?: ActivePeople;
};

export interface GroupRollup extends DailyRollup {
  group: string;
}

class ActiveCounter {
  private readonly all = new Set<string>();
  private readonly byProvider = new Map<string, Set<string>>();

  add(provider: string, subject: string): void {
    this.all.add(subject);
    const set = this.byProvider.get(provider) ?? new Set<string>();
    set.add(subject);
    this.byProvider.set(provider, set);
  }

  figures(): ActivePeople {
    return {
      active_people: this.all.size,
      by_provider: Object.fromEntries([...this.byProvider].map(([provider, set]) => [provider, set.size])),
    };
  }
}

export function attributeDay(
  teamId: string,
  date: string,
  digests: readonly DayDigest[],
  attribution: Attribution,
  /** The tool a provider's figures belong to (ProviderManifest.tool; the provider itself by default). */
  toolOf: (provider: string) => string = (provider) => provider,
): { day: DayAttribution; rollups: GroupRollup[] } {
  const team = new ActiveCounter();
  const groups = new Map<string, ActiveCounter>();
  const matched: DayAttribution['matched'] = {};
  const rollups: GroupRollup[] = [];

  for (const digest of digests) {
    const members = new Map<string, { rows: DeveloperDayUsage[]; active: Set<string> }>();
    const tool = toolOf(digest.provider);
    const figures = (matched[tool] ??= { interactions: 0, matched_interactions: 0 });
    for (const row of digest.rows) {
      const resolution = attribution.resolve(digest.provider, digest.integration_id, row.developer);
      figures.interactions += row.metrics.interactions;
      if (resolution.person) figures.matched_interactions += row.metrics.interactions;
      // Service identities (API keys, bots) are nobody, unless a person claims them.
      const active = activeRow(row) && (resolution.person !== null || row.developer.kind !== 'service');
      if (active) team.add(tool, resolution.subject);
      for (const group of resolution.person?.groups ?? []) {
        const entry = members.get(group) ?? { rows: [], active: new Set<string>() };
        entry.rows.push(row);
        if (active) {
          entry.active.add(resolution.subject);
          const counter = groups.get(group) ?? new ActiveCounter();
          counter.add(tool, resolution.subject);
          groups.set(group, counter);
        }
        members.set(group, entry);
      }
    }
    for (const [group, entry] of members) {
      const summary = summarizeDay(entry.rows);
      rollups.push({
        group,
        team_id: teamId,
        integration_id: digest.integration_id,
        provider: digest.provider,
        date,
        ...summary,
        // A person with two identities in one tool is one active developer of the group.
        active_developers: entry.active.size,
      });
    }
  }
  return {
    day: {
      team_id: teamId,
      date,
      roster_version: attribution.roster.version,
      stamps: Object.fromEntries(digests.map((digest) => [digest.integration_id, digest.stamp])),
      team: team.figures(),
      groups: Object.fromEntries([...groups].map(([group, counter]) => [group, counter.figures()])),
      matched,
    },
    rollups,
  };
}
