import { z } from 'zod';
import { addDays, consecutiveRuns, toIsoDay } from '../../domain/dates';
import { CredentialsRejectedError, ProviderUnavailableError } from '../../domain/errors';
import type { ActiveUserCounts, SeatAssignment, SeatOrganisationCounts } from '../../domain/model';
import type { DayFetchResult } from '../../domain/provider';
import { ProviderHttpError } from '../http-client';
import type { ProviderDefinition } from '../types';
import { ClaudeEnterpriseClient, newestPublishedDay } from './client';
import { checkClaudeEnterpriseKeyFormat } from './key-format';
import { claudeEnterpriseManifest } from './manifest';
import { normalizeClaudeEnterpriseDay } from './normalizer';
import {
  userActivitySchema,
  userUsageRowSchema,
  type DaySummary,
  type EnterpriseRawDay,
  type RbacGroup,
} from './schemas';
import { readAnswer } from '../answers';

/** The API serves no day before this one, and its cost and usage reports none older than 365 days. */
export const FIRST_SERVED_DAY = '2026-01-01';
const REPORT_HISTORY_DAYS = 365;
/** The cost and usage reports cover at most 31 days per request. */
export const MAX_RANGE_DAYS = 31;
/** Seats show the last active day within this window (one rolled-up users request). */
export const SEAT_ACTIVITY_DAYS = 30;

const KEY_HELP =
  'The primary owner of the Claude Enterprise organisation creates an Analytics API key in claude.ai → ' +
  'Organization settings → API (scope read:analytics); connect again with it.';

function refused(error: ProviderHttpError): never {
  if (error.kind === 'auth') {
    throw new CredentialsRejectedError(
      `Anthropic refused this key (${error.message}): it is revoked, expired or mistyped, or it is not an ` +
        `Analytics API key — Admin API keys of Claude Console do not work here. ${KEY_HELP}`,
    );
  }
  if (error.kind === 'forbidden') {
    throw new CredentialsRejectedError(
      `Anthropic accepted the key but refused the Claude Enterprise Analytics API (${error.message}). The API ` +
        'serves Claude Enterprise plans only, once public API access is enabled in claude.ai, to a key with the ' +
        `read:analytics scope. ${KEY_HELP}`,
    );
  }
  throw new ProviderUnavailableError(
    `Anthropic could not be asked to check the key (${error.message}); try again in a minute.`,
    error.retryAfterSeconds,
  );
}

/** The oldest day every endpoint serves: 2026-01-01, and no more than a year back. */
export function earliestServedDay(now: Date): string {
  const yearBack = addDays(toIsoDay(now), -(REPORT_HISTORY_DAYS - 1));
  return yearBack > FIRST_SERVED_DAY ? yearBack : FIRST_SERVED_DAY;
}

const dayOf = (value: { starting_at: string }) => value.starting_at.slice(0, 10);
/** What grouping report rows by day and group needs (the normaliser reads each row whole). */
const bucketSchema = userUsageRowSchema.pick({ starting_at: true, rbac_group_id: true });

function byDay(rows: readonly unknown[]): Map<string, unknown[]> {
  const grouped = new Map<string, unknown[]>();
  for (const row of rows) {
    const day = dayOf(readAnswer(bucketSchema, row));
    const list = grouped.get(day);
    if (list) list.push(row);
    else grouped.set(day, [row]);
  }
  return grouped;
}

const groupOf = (row: unknown) => readAnswer(bucketSchema, row).rbac_group_id ?? undefined;

/** Claude Code users of the day by the summary (per-product counts when the org has them, else everyone). */
function activeOn(summary: DaySummary | undefined): number | undefined {
  if (!summary) return undefined;
  return summary.claude_code_daily_active_user_count ?? summary.daily_active_user_count;
}

/** A count the summary reports: a non-negative number (whole); null, absent or anything else is unknown. */
function known(value: number | null | undefined): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.round(value) : undefined;
}

function activeUsers(
  ...windows: [daily?: number | null, weekly?: number | null, monthly?: number | null]
): ActiveUserCounts | undefined {
  const counts: ActiveUserCounts = {};
  (['daily', 'weekly', 'monthly'] as const).forEach((window, index) => {
    const count = known(windows[index]);
    if (count !== undefined) counts[window] = count;
  });
  return Object.keys(counts).length ? counts : undefined;
}

/**
 * The organisation's counts of one day's summary: assigned seats, pending invitations, and people active on the
 * day and in its 7- and 30-day windows — with any Claude product (token consumption) and, where the organisation
 * has the per-product breakdown, with Claude Code. The adoption rates are left out: they are these counts divided.
 */
export function organisationCounts(summary: DaySummary): SeatOrganisationCounts {
  const assigned = known(summary.assigned_seat_count);
  const pending = known(summary.pending_invite_count);
  const all = activeUsers(
    summary.daily_active_user_count,
    summary.weekly_active_user_count,
    summary.monthly_active_user_count,
  );
  const tool = activeUsers(
    summary.claude_code_daily_active_user_count,
    summary.claude_code_weekly_active_user_count,
    summary.claude_code_monthly_active_user_count,
  );
  return {
    as_of: dayOf(summary),
    ...(assigned !== undefined ? { assigned_seats: assigned } : {}),
    ...(pending !== undefined ? { pending_invites: pending } : {}),
    ...(all ? { active_users: all } : {}),
    ...(tool ? { tool_active_users: tool } : {}),
  };
}

function notPublished(day: string, newest: string | undefined): DayFetchResult {
  return {
    kind: 'not_ready',
    message:
      `Anthropic has not published ${day} yet` +
      (newest ? ` (its newest day is ${newest})` : '') +
      '; engagement data appears from about 17:00 UTC the next day.',
  };
}

/**
 * One range of at most 31 days: the summaries say which days are published and which had no Claude Code user
 * (no user request for those); then each remaining day's users, and over the published days the cost and
 * token reports by model and the usage by RBAC group (who held which group), with the groups' names.
 */
async function fetchRange(
  client: ClaudeEnterpriseClient,
  range: readonly string[],
  answers: Map<string, DayFetchResult>,
): Promise<void> {
  const first = range[0] as string;
  let summaries: DaySummary[];
  try {
    summaries = await client.summaries(first);
  } catch (error) {
    const newest = newestPublishedDay(error, first);
    if (newest === undefined) throw error;
    for (const day of range) answers.set(day, notPublished(day, newest));
    return;
  }
  const summaryOf = new Map(summaries.map((summary) => [dayOf(summary), summary]));
  const newest = summaries.map(dayOf).sort().at(-1);
  const published = range.filter((day) => newest !== undefined && day <= newest);
  for (const day of range) if (!published.includes(day)) answers.set(day, notPublished(day, newest));
  if (published.length === 0) return;

  const users = new Map<string, unknown[]>();
  for (const day of published) {
    if (activeOn(summaryOf.get(day)) === 0) {
      users.set(day, []);
      continue;
    }
    try {
      users.set(day, await client.usersOfDay(day));
    } catch (error) {
      const named = newestPublishedDay(error, day);
      if (named === undefined) throw error;
      answers.set(day, notPublished(day, named));
    }
  }
  const stored = published.filter((day) => users.has(day));
  if (stored.length === 0) return;
  const last = stored.at(-1) as string;
  // Nobody consumed a token on any of these days: the reports would be empty.
  const anyUsage = stored.some((day) => (summaryOf.get(day)?.daily_active_user_count ?? 1) > 0);
  const [costs, usage, groups] = anyUsage
    ? [
        byDay(await client.costByModel(first, last)),
        byDay(await client.usageByModel(first, last)),
        byDay(await client.usageByGroup(first, last)),
      ]
    : [new Map<string, unknown[]>(), new Map<string, unknown[]>(), new Map<string, unknown[]>()];
  const names = await groupNames(client, first, last, groups);
  for (const day of stored) {
    const dayGroups = groups.get(day) ?? [];
    const ids = new Set(dayGroups.map(groupOf));
    const raw: EnterpriseRawDay = {
      summary: summaryOf.get(day) ?? null,
      users: users.get(day) ?? [],
      costs: costs.get(day) ?? [],
      usage: usage.get(day) ?? [],
      groups: dayGroups,
      group_names: names.filter((group) => ids.has(group.rbac_group_id)),
    };
    answers.set(day, { kind: 'ok', raw, requests: 0 });
  }
}

/** The names of the RBAC groups seen in the range (one rolled-up users request grouped by group), if any. */
async function groupNames(
  client: ClaudeEnterpriseClient,
  first: string,
  last: string,
  groups: ReadonlyMap<string, unknown[]>,
): Promise<RbacGroup[]> {
  const seen = [...groups.values()].flat().some((row) => groupOf(row) !== undefined);
  if (!seen) return [];
  const rows = await client.usersOver(first, last, { byGroup: true });
  return rows.flatMap((value) => {
    const row = readAnswer(userActivitySchema, value);
    return row.rbac_group_id
      ? [{ rbac_group_id: row.rbac_group_id, rbac_group_name: row.rbac_group_name ?? null }]
      : [];
  });
}

export const claudeEnterpriseProvider = {
  manifest: claudeEnterpriseManifest,
  connectOptionsSchema: z.object({}).strict(),
  checkKeyFormat: checkClaudeEnterpriseKeyFormat,

  earliestDay: (_options, now) => earliestServedDay(now),

  /**
   * The summaries of the last week (an analytics read any Enterprise key may do; a 400 naming a day means the
   * key works but nothing is published yet), then the organisation's id from a one-row usage report: a new key
   * of the same organisation finds the same integration.
   */
  async verifyCredentials({ apiKey, teamId }, ctx) {
    const client = new ClaudeEnterpriseClient(apiKey, teamId, ctx);
    const today = toIsoDay(ctx.now());
    const since = [addDays(today, -7), earliestServedDay(ctx.now())].sort().at(-1) as string;
    let organizationId: string | undefined;
    try {
      try {
        await client.summaries(since);
      } catch (error) {
        if (newestPublishedDay(error, since) === undefined) throw error;
      }
      organizationId = await client.organizationId(since);
    } catch (error) {
      if (error instanceof ProviderHttpError) refused(error);
      throw error;
    }
    if (!organizationId) {
      throw new CredentialsRejectedError(
        `Anthropic did not say which organisation this key belongs to. ${KEY_HELP}`,
      );
    }
    return { id: organizationId, name: `organisation ${organizationId}` };
  },

  /**
   * Days in ranges of up to 31 (one job is one range). A day before 2026-01-01 or over a year back is not
   * served (`not_available`, no call); today, and any day after the newest published one, is `not_ready` —
   * the day stays pending and the daily run asks again.
   */
  async fetchDays({ apiKey, teamId }, days, ctx) {
    const client = new ClaudeEnterpriseClient(apiKey, teamId, ctx);
    const today = toIsoDay(ctx.now());
    const earliest = earliestServedDay(ctx.now());
    const answers = new Map<string, DayFetchResult>();
    for (const day of days) {
      if (day < earliest) {
        answers.set(day, {
          kind: 'not_available',
          scope: 'day',
          message: `Anthropic's Enterprise Analytics API serves days from ${earliest} on (never before ${FIRST_SERVED_DAY}, at most a year back).`,
        });
      } else if (day >= today) {
        answers.set(day, notPublished(day, undefined));
      }
    }
    for (const range of consecutiveRuns(
      days.filter((day) => !answers.has(day)),
      MAX_RANGE_DAYS,
    )) {
      await fetchRange(client, range, answers);
    }
    return { days: answers, requests: client.requests };
  },

  normalizeDay: normalizeClaudeEnterpriseDay,

  /**
   * Every user the organisation lists, as a seat, with the last day they used any Claude product within the
   * 30 days up to the newest published day, and the organisation's counts of that day's summary (assigned
   * seats, pending invitations, active people). An organisation without assigned seats is `not_available`.
   */
  async fetchSeats({ apiKey, teamId }, ctx) {
    const client = new ClaudeEnterpriseClient(apiKey, teamId, ctx);
    const since = [addDays(toIsoDay(ctx.now()), -8), earliestServedDay(ctx.now())].sort().at(-1) as string;
    let summaries: DaySummary[];
    try {
      summaries = await client.summaries(since);
    } catch (error) {
      const newest = newestPublishedDay(error, since);
      if (newest === undefined) throw error;
      return {
        kind: 'not_available',
        scope: 'day',
        message: `Anthropic has published no day since ${since} (newest ${newest}): seats are read again on the next sync.`,
      };
    }
    const latest = [...summaries].sort((a, b) => dayOf(a).localeCompare(dayOf(b))).at(-1);
    if (!latest) {
      return { kind: 'not_available', scope: 'day', message: 'Anthropic listed no day of the organisation.' };
    }
    if (latest.assigned_seat_count === 0) {
      return {
        kind: 'not_available',
        scope: 'integration',
        message:
          'The Claude Enterprise organisation has no seats assigned, so Anthropic reports no usage. Assign seats, then sync again.',
      };
    }
    const newest = dayOf(latest);
    const windowStart = [addDays(newest, -(SEAT_ACTIVITY_DAYS - 1)), earliestServedDay(ctx.now())]
      .sort()
      .at(-1) as string;
    const seats: SeatAssignment[] = [];
    for (const value of await client.usersOver(windowStart, newest, { byGroup: false })) {
      const row = readAnswer(userActivitySchema, value);
      if (!row.user) continue;
      const email = row.user.email_address.trim().toLowerCase();
      seats.push({
        developer: { key: `email:${email}`, kind: 'user', email },
        last_activity_at: row.last_activity_date ? `${row.last_activity_date}T00:00:00.000Z` : null,
        plan_type: 'enterprise',
        activity_known_since: windowStart,
      });
    }
    return { kind: 'ok', seats, organisation: organisationCounts(latest), requests: client.requests };
  },
} satisfies ProviderDefinition<Record<string, never>>;
