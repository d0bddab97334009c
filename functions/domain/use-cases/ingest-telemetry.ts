import { mapLimit } from '../concurrency';
import { addDays, toIsoDay } from '../dates';
import { TooManyRequestsError, UnauthorizedError } from '../errors';
import { hashIngestToken, ingestTokenOf, LAST_USED_RESOLUTION_SECONDS } from '../ingest-tokens';
import { integrationIdFor } from '../integration-id';
import type { Integration } from '../model';
import type {
  Clock,
  IngestTokenRepository,
  IntegrationRepository,
  TelemetryRebuildQueue,
  TelemetrySeriesRepository,
} from '../ports';
import type { TeamThrottle } from '../request-throttle';
import { pointsOf } from '../telemetry/otlp-points';
import { mergeSeries, seriesOfPoint, type SeriesState } from '../telemetry/series';

/**
 * Claude Code's OpenTelemetry metrics, pushed by a team's machines (POST /otlp/v1/metrics).
 * Input: the ingest token's team and the decoded ExportMetricsServiceRequest. Output: what was accepted,
 * rejected (malformed points, points naming nobody, days outside the window) and ignored (metrics and kinds
 * this endpoint does not read), for the OTLP answer's partial success.
 * Steps: points → series states per developer-day → merged into that developer-day's stored series (a point
 * delivered twice or a counter re-reported changes nothing, and writes nothing) → each day that changed marked
 * for one rebuild a little later (rebuild-telemetry-day.ts), however many requests change it meanwhile
 * (decision 91).
 */
export interface IngestTelemetryPorts {
  series: TelemetrySeriesRepository;
  integrations: Pick<IntegrationRepository, 'get' | 'save'>;
  rebuilds: TelemetryRebuildQueue;
  clock: Clock;
}

export interface AuthenticateIngestPorts {
  ingestTokens: Pick<IngestTokenRepository, 'resolve' | 'touch'>;
  clock: Clock;
}

/** The tool Claude Code's telemetry is a source of (its rows keep this provider id, as the Admin API's do). */
export const TELEMETRY_TOOL = 'claude_code';
/** Days before today a point may fall on: a machine that was offline may send a few days late. */
export const TELEMETRY_PAST_DAYS = 7;
/**
 * Requests a team's machines may send in a minute, all together, unless the stack says otherwise: six times the
 * steady load of 1,000 developers exporting every 60 s, so retries after an outage pass too (decision 92).
 */
export const TELEMETRY_REQUESTS_PER_MINUTE = 6_000;
/** Rounds of read → merge → write for one developer-day while other requests write it too. */
const MAX_ROUNDS = 8;
/** Developer-days merged at once by one request. */
const MERGES_AT_ONCE = 8;
/**
 * A rebuild mark older than this is taken over by the next change (its rebuild was lost): longer than the
 * rebuild's delay and its retries take.
 */
export const REBUILD_MARK_STALE_SECONDS = 15 * 60;

export interface IngestResult {
  accepted: number;
  rejected: number;
  /** Points of metrics this endpoint does not read (other tools' metrics, histograms…): ignored, not refused. */
  ignored: number;
  /** Days whose series changed, each rebuilt a little later (a duplicate request changes none). */
  days_changed: number;
  /** Why points were rejected, for the answer's `errorMessage`; absent when none was. */
  message?: string;
}

const UNAUTHORIZED =
  'Send Authorization: Bearer aiu_ingest_… with an ingest token of your team (an admin makes one with POST /api/ai-usage/ingest-tokens).';

/** The team an Authorization header's ingest token belongs to; a 401 for no token, a malformed or revoked one. */
export async function authenticateIngestToken(
  authorization: string | undefined,
  ports: AuthenticateIngestPorts,
): Promise<{ team_id: string; token_id: string }> {
  const token = ingestTokenOf(authorization);
  if (!token) throw new UnauthorizedError(UNAUTHORIZED);
  const found = await ports.ingestTokens.resolve(hashIngestToken(token));
  if (!found) throw new UnauthorizedError(`The ingest token is unknown or revoked. ${UNAUTHORIZED}`);
  await ports.ingestTokens.touch(
    found.team_id,
    found.token_id,
    ports.clock.now(),
    LAST_USED_RESOLUTION_SECONDS,
  );
  return found;
}

export interface AdmitTelemetryPorts {
  throttle: TeamThrottle;
  clock: Clock;
}

/** Counts a request against its team's limit; a 429 with the seconds to wait once the team is over it. */
export async function admitTelemetryRequest(teamId: string, ports: AdmitTelemetryPorts): Promise<void> {
  const wait = await ports.throttle.admit(teamId, ports.clock.now());
  if (wait === undefined) return;
  throw new TooManyRequestsError(
    `Your team sent more telemetry requests this minute than its limit allows; send again in ${wait} s (exporters do so by themselves, honouring Retry-After). A team whose machines need more asks its operator to raise the limit.`,
    wait,
  );
}

/** The integration that holds a team's Claude Code telemetry: one per team, made on the first request. */
async function telemetryIntegration(teamId: string, ports: IngestTelemetryPorts): Promise<Integration> {
  const integrationId = integrationIdFor(teamId, TELEMETRY_TOOL, 'telemetry');
  const existing = await ports.integrations.get(teamId, integrationId);
  if (existing) return existing;
  const now = ports.clock.now().toISOString();
  const integration: Integration = {
    team_id: teamId,
    integration_id: integrationId,
    provider: TELEMETRY_TOOL,
    name: 'Claude Code telemetry',
    account: { id: 'telemetry', name: 'OpenTelemetry metrics sent with ingest tokens' },
    options: {},
    status: 'active',
    // Nothing to sync: days are stored when machines send them.
    sync_enabled: false,
    secret_ref: 'none',
    created_at: now,
    created_by: 'ingest-token',
    updated_at: now,
    version: 1,
    source: 'telemetry',
  };
  if (await ports.integrations.save(integration)) return integration;
  // Another first request made it at the same moment: that one stands.
  const made = await ports.integrations.get(teamId, integrationId);
  if (!made) throw new Error(`the telemetry integration of team ${teamId} was neither made nor found`);
  return made;
}

/** A developer-day's stored states with the incoming ones merged in; undefined when none of them changes it. */
function mergedStates(
  stored: readonly SeriesState[],
  incoming: readonly SeriesState[],
): SeriesState[] | undefined {
  const current = new Map(stored.map((state) => [state.series, state]));
  let changed = false;
  for (const state of incoming) {
    const next = mergeSeries(current.get(state.series), state);
    if (!next) continue;
    current.set(state.series, next);
    changed = true;
  }
  return changed ? [...current.values()] : undefined;
}

/**
 * Marks the day for a rebuild and, when this call made the mark, queues the rebuild. Should the queue refuse,
 * the mark is taken back (a mark without a queued rebuild would hold every later request's off until it
 * went stale) and the request fails, so the exporter sends it again.
 */
async function requestRebuild(
  teamId: string,
  integrationId: string,
  date: string,
  ports: IngestTelemetryPorts,
): Promise<void> {
  const now = ports.clock.now();
  const staleBefore = new Date(now.getTime() - REBUILD_MARK_STALE_SECONDS * 1000).toISOString();
  const marked = await ports.series.markForRebuild(
    teamId,
    integrationId,
    date,
    now.toISOString(),
    staleBefore,
  );
  if (!marked) return;
  try {
    await ports.rebuilds.requestRebuild({
      team_id: teamId,
      integration_id: integrationId,
      date,
      marked_at: marked,
    });
  } catch (error) {
    await ports.series.clearRebuildMark(teamId, integrationId, date);
    throw error;
  }
}

/**
 * Merges one developer-day's incoming states into what is stored; true when its series changed. The day is
 * marked for a rebuild before the series are written, so a stored change is never left without a rebuild to
 * come: a rebuild clears the mark before it reads, so one whose mark this request found reads this write — and
 * should a rebuild have cleared it in between, the check after the write marks the day again.
 */
async function mergeDeveloperDay(
  teamId: string,
  integrationId: string,
  date: string,
  developerKey: string,
  incoming: readonly SeriesState[],
  ports: IngestTelemetryPorts,
): Promise<boolean> {
  let marked = false;
  for (let round = 1; round <= MAX_ROUNDS; round++) {
    const stored = await ports.series.getDeveloperDay(teamId, integrationId, date, developerKey);
    const next = mergedStates(stored?.states ?? [], incoming);
    if (!next) return false;
    if (!marked) await requestRebuild(teamId, integrationId, date, ports);
    marked = true;
    const version = stored?.version ?? 0;
    if (await ports.series.putDeveloperDay(teamId, integrationId, date, developerKey, next, version)) {
      if (!(await ports.series.isMarkedForRebuild(teamId, integrationId, date))) {
        await requestRebuild(teamId, integrationId, date, ports);
      }
      return true;
    }
    // Another request wrote this developer's day first: merge into what it wrote.
  }
  throw new Error(`the telemetry series of ${date} kept changing while they were merged`);
}

export async function ingestTelemetry(
  teamId: string,
  request: unknown,
  ports: IngestTelemetryPorts,
): Promise<IngestResult> {
  const decoded = pointsOf(request);
  const today = toIsoDay(ports.clock.now());
  const earliest = addDays(today, -TELEMETRY_PAST_DAYS);
  // A machine's clock a little ahead of UTC midnight may date a point tomorrow.
  const latest = addDays(today, 1);
  const byDate = new Map<string, SeriesState[]>();
  const reasons = { malformed: decoded.malformed, nobody: 0, outside: 0 };
  let ignored = decoded.ignoredKinds;
  for (const point of decoded.points) {
    const verdict = seriesOfPoint(point);
    if (verdict.kind === 'unknown-metric') ignored++;
    else if (verdict.kind === 'no-identity') reasons.nobody++;
    else if (verdict.state.date < earliest || verdict.state.date > latest) reasons.outside++;
    else byDate.set(verdict.state.date, [...(byDate.get(verdict.state.date) ?? []), verdict.state]);
  }
  const rejected = reasons.malformed + reasons.nobody + reasons.outside;
  const accepted = [...byDate.values()].reduce((sum, states) => sum + states.length, 0);
  const changed = new Set<string>();
  if (byDate.size > 0) {
    const integration = await telemetryIntegration(teamId, ports);
    const developerDays = new Map<string, { date: string; key: string; states: SeriesState[] }>();
    for (const [date, states] of byDate) {
      for (const state of states) {
        const id = `${date}|${state.developer.key}`;
        const entry = developerDays.get(id) ?? { date, key: state.developer.key, states: [] };
        entry.states.push(state);
        developerDays.set(id, entry);
      }
    }
    await mapLimit([...developerDays.values()], MERGES_AT_ONCE, async ({ date, key, states }) => {
      if (await mergeDeveloperDay(teamId, integration.integration_id, date, key, states, ports)) {
        changed.add(date);
      }
    });
  }
  const parts = [
    reasons.malformed && `${reasons.malformed} without a name, time, non-negative value or temporality`,
    reasons.nobody && `${reasons.nobody} without user.email or user.account_id`,
    reasons.outside &&
      `${reasons.outside} dated outside ${earliest}..${latest} (UTC; at most ${TELEMETRY_PAST_DAYS} days back)`,
  ].filter((part): part is string => Boolean(part));
  return {
    accepted,
    rejected,
    ignored,
    days_changed: changed.size,
    ...(parts.length ? { message: `Points rejected: ${parts.join('; ')}.` } : {}),
  };
}
