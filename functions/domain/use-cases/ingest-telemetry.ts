import { createHash } from 'node:crypto';
import { refreshAfterStoring, type RefreshAttributionPorts } from './refresh-attribution';
import { addDays, toIsoDay } from '../dates';
import { UnauthorizedError } from '../errors';
import { hashIngestToken, ingestTokenOf, LAST_USED_RESOLUTION_SECONDS } from '../ingest-tokens';
import { integrationIdFor } from '../integration-id';
import type { Integration } from '../model';
import type {
  Clock,
  IngestTokenRepository,
  IntegrationRepository,
  SeriesChange,
  TelemetrySeriesRepository,
  UsageRepository,
} from '../ports';
import { dayReplacement } from '../stored-day';
import { pointsOf } from '../telemetry/otlp-points';
import { mergeSeries, rowsFromSeries, seriesOfPoint, type SeriesState } from '../telemetry/series';

/**
 * Claude Code's OpenTelemetry metrics, pushed by a team's machines (POST /otlp/v1/metrics).
 * Input: the ingest token's team and the decoded ExportMetricsServiceRequest. Output: what was accepted,
 * rejected (malformed points, points naming nobody, days outside the window) and ignored (metrics and kinds
 * this endpoint does not read), for the OTLP answer's partial success.
 * Steps: points → series states per developer-day → merged into the stored series (a point delivered twice
 * or a counter re-reported changes nothing) → each day that changed rebuilt whole from its series through the
 * fetchers' day replacement → the blocks and attribution above those days.
 */
export interface IngestTelemetryPorts extends RefreshAttributionPorts {
  series: TelemetrySeriesRepository;
  integrations: Pick<IntegrationRepository, 'get' | 'save'>;
  usage: Pick<UsageRepository, 'replaceDay' | 'getSeats'>;
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
/** Rounds of read → merge → write for one day while other requests write the same day. */
const MAX_ROUNDS = 8;

export interface IngestResult {
  accepted: number;
  rejected: number;
  /** Points of metrics this endpoint does not read (other tools' metrics, histograms…): ignored, not refused. */
  ignored: number;
  /** Days whose rows changed (a duplicate request changes none). */
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
  // Two first requests at once save the same item: either write leaves the same integration.
  await ports.integrations.save(integration);
  return integration;
}

/** Merges a day's incoming states into what is stored: the changes to write (none for a duplicate). */
function changesOf(stored: readonly SeriesState[], incoming: readonly SeriesState[]): SeriesChange[] {
  const current = new Map(stored.map((state) => [state.series, state]));
  const previous = new Map(stored.map((state) => [state.series, state]));
  const changed = new Set<string>();
  for (const state of incoming) {
    const next = mergeSeries(current.get(state.series), state);
    if (!next) continue;
    current.set(state.series, next);
    changed.add(state.series);
  }
  return [...changed].map((series) => ({
    next: current.get(series) as SeriesState,
    previous: previous.get(series),
  }));
}

/**
 * Writes one day's incoming states; true when any series changed — by this request, or by another that moved a
 * series first (its rebuild may not have run yet: rebuilding again is cheap beside a day left stale).
 */
async function mergeDay(
  teamId: string,
  integrationId: string,
  date: string,
  incoming: readonly SeriesState[],
  ports: IngestTelemetryPorts,
): Promise<boolean> {
  let pending = incoming;
  let changed = false;
  for (let round = 1; round <= MAX_ROUNDS; round++) {
    const stored = await ports.series.getDay(teamId, integrationId, date);
    const changes = changesOf(stored, pending);
    if (changes.length === 0) return changed;
    changed = true;
    const moved = await ports.series.put(teamId, integrationId, changes);
    if (moved.length === 0) return true;
    // Another request moved these series first: merge their incoming states into what it wrote.
    const retry = new Set(moved.map((change) => change.next.series));
    pending = pending.filter((state) => retry.has(state.series));
  }
  throw new Error(`the telemetry series of ${date} kept changing while they were merged`);
}

const fingerprint = (states: readonly SeriesState[]): string =>
  createHash('sha256')
    .update(
      states
        .map((s) => `${s.series}|${s.timeNanos}|${s.value}|${s.firstValue}`)
        .sort()
        .join('\n'),
    )
    .digest('base64url');

/**
 * Rebuilds a day's rows from all its series and stores them as a fetched day is stored. Another request may
 * write series of the same day meanwhile: the series are read again after the day is stored, and the day is
 * built again until what it was built from is still what is stored, so the last writer leaves the latest rows.
 */
async function rebuildDay(
  integration: Integration,
  date: string,
  ports: IngestTelemetryPorts,
): Promise<void> {
  let states = await ports.series.getDay(integration.team_id, integration.integration_id, date);
  for (let round = 1; round <= MAX_ROUNDS; round++) {
    const rows = rowsFromSeries(states);
    await ports.usage.replaceDay(
      dayReplacement({
        team_id: integration.team_id,
        integration_id: integration.integration_id,
        provider: integration.provider,
        sync_id: `otlp_${date}`,
        date,
        rows,
        // The series are kept as items of their own: the raw part says what the rows were built from.
        raw: { source: 'otlp', series: states.length, fingerprint: fingerprint(states) },
        attempts: 0,
        now: ports.clock.now().toISOString(),
      }),
    );
    const after = await ports.series.getDay(integration.team_id, integration.integration_id, date);
    if (fingerprint(after) === fingerprint(states)) return;
    states = after;
  }
  throw new Error(`the telemetry rows of ${date} kept changing while they were stored`);
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
  const changed: string[] = [];
  if (byDate.size > 0) {
    const integration = await telemetryIntegration(teamId, ports);
    for (const [date, states] of [...byDate].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (await mergeDay(teamId, integration.integration_id, date, states, ports)) changed.push(date);
    }
    for (const date of changed) await rebuildDay(integration, date, ports);
    await refreshAfterStoring(
      teamId,
      { integration_id: integration.integration_id, provider: integration.provider },
      changed,
      ports,
    );
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
    days_changed: changed.length,
    ...(parts.length ? { message: `Points rejected: ${parts.join('; ')}.` } : {}),
  };
}
