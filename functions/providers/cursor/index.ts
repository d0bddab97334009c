import { z } from 'zod';
import { addDays, consecutiveRuns, toIsoDay } from '../../domain/dates';
import { CredentialsRejectedError, ProviderUnavailableError } from '../../domain/errors';
import type { SeatAssignment } from '../../domain/model';
import type { DayFetchResult, ProviderAccount } from '../../domain/provider';
import { ProviderHttpError } from '../http-client';
import type { ProviderDefinition } from '../types';
import { CursorAdminClient } from './client';
import { checkCursorKeyFormat } from './key-format';
import { cursorManifest } from './manifest';
import { normalizeCursorDay } from './normalizer';
import type { CursorRawDay, CursorUsageEvent, CursorUsageRow } from './schemas';

/** One daily-usage request covers at most this many days (more is a 400). */
export const MAX_RANGE_DAYS = 30;
/** Seats show the last active day within this window (one unpaged usage request). */
export const SEAT_ACTIVITY_DAYS = 30;

const KEY_HELP =
  'Create an Admin API key in the Cursor dashboard → Settings → Advanced → Admin API Keys, and connect again.';

function refused(error: ProviderHttpError): never {
  if (error.kind === 'auth') {
    throw new CredentialsRejectedError(
      `Cursor refused this key (${error.message}): it is revoked, expired or mistyped. ${KEY_HELP}`,
    );
  }
  if (error.kind === 'forbidden') {
    throw new CredentialsRejectedError(
      `Cursor accepted the key but refused its Admin API (${error.message}). The Admin API needs a Cursor ` +
        'Enterprise team, and a key created by one of its admins.',
    );
  }
  throw new ProviderUnavailableError(
    `Cursor could not be asked to check the key (${error.message}); try again in a minute.`,
    error.retryAfterSeconds,
  );
}

/**
 * What identifies a Cursor team across key rotations: its numeric id, which the audit log reports in its
 * parameters. A key of the same team, new or old, finds the same integration. Without it (an API that does
 * not say), the team's owner's member id stands in.
 */
async function teamAccount(client: CursorAdminClient, ownerId: string | undefined): Promise<ProviderAccount> {
  let teamId: string | undefined;
  try {
    teamId = await client.teamIdentity();
  } catch (error) {
    if (!(error instanceof ProviderHttpError) || (error.kind !== 'not_found' && error.kind !== 'forbidden')) {
      throw error;
    }
  }
  if (teamId) return { id: `team:${teamId}`, name: `Cursor team ${teamId}` };
  if (ownerId) return { id: `owner:${ownerId}`, name: 'Cursor team' };
  throw new CredentialsRejectedError(
    'Cursor did not say which team this key belongs to; connect with a team admin key.',
  );
}

function groupByDay<T>(items: readonly T[], dayOf: (item: T) => string): Map<string, T[]> {
  const byDay = new Map<string, T[]>();
  for (const item of items) {
    const day = dayOf(item);
    byDay.set(day, [...(byDay.get(day) ?? []), item]);
  }
  return byDay;
}

const eventDay = (event: CursorUsageEvent) => toIsoDay(new Date(Number(event.timestamp)));

export const cursorProvider = {
  manifest: cursorManifest,
  connectOptionsSchema: z.object({}).strict(),
  checkKeyFormat: checkCursorKeyFormat,

  async verifyCredentials({ apiKey, teamId }, ctx) {
    const client = new CursorAdminClient(apiKey, teamId, ctx);
    try {
      const members = await client.members();
      const owner = members.find((member) => member.role === 'owner' && !member.isRemoved);
      return await teamAccount(client, owner?.id);
    } catch (error) {
      if (error instanceof ProviderHttpError) refused(error);
      throw error;
    }
  },

  /**
   * Days in ranges of up to 30: per range, every page of the paged daily usage (idle members listed) and
   * every page of usage events (for cost and tokens). A day with no rows at all is one Cursor does not serve
   * (outside the history it keeps): `not_available`, never a quiet day. Today is not over: `not_ready`.
   */
  async fetchDays({ apiKey, teamId }, days, ctx) {
    const client = new CursorAdminClient(apiKey, teamId, ctx);
    const today = toIsoDay(ctx.now());
    const answers = new Map<string, DayFetchResult>();
    for (const day of days) {
      if (day >= today) {
        answers.set(day, {
          kind: 'not_ready',
          message: 'Cursor aggregates usage hourly: the day is not over yet.',
        });
      }
    }
    // Ranges of at most 30 consecutive days (the days of one job are consecutive).
    for (const range of consecutiveRuns(
      days.filter((day) => day < today),
      MAX_RANGE_DAYS,
    )) {
      const first = range[0] as string;
      const last = range.at(-1) as string;
      const rows = groupByDay<CursorUsageRow>(
        await client.dailyUsage(first, last, { paged: true }),
        (row) => row.day,
      );
      const events = groupByDay(await client.usageEvents(first, last), eventDay);
      for (const day of range) {
        const dayRows = rows.get(day) ?? [];
        if (dayRows.length === 0) {
          answers.set(day, {
            kind: 'not_available',
            scope: 'day',
            message: `Cursor serves no usage for ${day} (its Admin API keeps a limited history); shown as not available, not as zero.`,
          });
          continue;
        }
        const raw: CursorRawDay = { rows: dayRows, events: events.get(day) ?? [] };
        answers.set(day, { kind: 'ok', raw, requests: 0 });
      }
    }
    return { days: answers, requests: client.requests };
  },

  normalizeDay: normalizeCursorDay,

  /**
   * The team's members as seats (removed members hold none), with their last active day over the last 30
   * days (one unpaged usage request) and the current billing cycle's on-demand spend.
   */
  async fetchSeats({ apiKey, teamId }, ctx) {
    const client = new CursorAdminClient(apiKey, teamId, ctx);
    const members = await client.members();
    const yesterday = addDays(toIsoDay(ctx.now()), -1);
    const since = addDays(yesterday, -(SEAT_ACTIVITY_DAYS - 1));
    const lastActive = new Map<string, string>();
    for (const row of await client.dailyUsage(since, yesterday, { paged: false })) {
      const email = row.email?.trim().toLowerCase();
      if (!email || row.isActive === false) continue;
      if ((lastActive.get(email) ?? '') < row.day) lastActive.set(email, row.day);
    }
    const spend = await client.spend();
    const spendByEmail = new Map(spend.members.map((m) => [m.email.trim().toLowerCase(), m.spendCents]));
    const cycleStart = spend.cycleStart === undefined ? undefined : new Date(spend.cycleStart).toISOString();
    const seats: SeatAssignment[] = members
      .filter((member) => !member.isRemoved)
      .map((member) => {
        const email = member.email.trim().toLowerCase();
        const spent = spendByEmail.get(email);
        return {
          developer: {
            key: `email:${email}`,
            kind: 'user' as const,
            email,
            ...(member.name ? { display_name: member.name } : {}),
          },
          // Cursor reports days: the last active day, at its UTC start.
          last_activity_at: lastActive.has(email) ? `${lastActive.get(email)}T00:00:00.000Z` : null,
          activity_known_since: since,
          ...(member.role ? { plan_type: member.role } : {}),
          ...(spent !== undefined ? { cycle_spend_cents: spent } : {}),
          ...(cycleStart ? { cycle_started_at: cycleStart } : {}),
        };
      });
    return { kind: 'ok', seats, requests: client.requests };
  },
} satisfies ProviderDefinition<Record<string, never>>;
