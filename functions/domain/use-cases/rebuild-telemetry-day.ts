import { createHash } from 'node:crypto';
import { refreshAfterStoring, type RefreshAttributionPorts } from './refresh-attribution';
import type {
  Clock,
  IntegrationRepository,
  TelemetryRebuildRequest,
  TelemetrySeriesRepository,
  UsageRepository,
} from '../ports';
import { dayReplacement, rowsFingerprint } from '../stored-day';
import { rowsFromSeries, type SeriesState } from '../telemetry/series';

/**
 * A telemetry day rebuilt from its series (the telemetry rebuild queue, decision 91).
 * Input: the day a request marked. Steps: the mark is cleared first — a request that changes the day from now on
 * marks it again and queues the next rebuild — then every developer's series of the day are read and the day is
 * stored whole through the fetchers' day replacement, with the blocks and attribution above it. Rebuilds of one
 * day run one at a time (the queue's message group), so an older build never lands after a newer one; a day
 * whose rows come out the same is not written again (its fingerprint, decision 80).
 */
export interface RebuildTelemetryPorts extends RefreshAttributionPorts {
  series: TelemetrySeriesRepository;
  integrations: Pick<IntegrationRepository, 'get'>;
  usage: Pick<UsageRepository, 'getLedger' | 'replaceDay' | 'confirmDays' | 'getSeats'>;
  clock: Clock;
}

/**
 * How long a day waits between its first change and its rebuild: every change of the day within it is built
 * once. Claude Code exports every 60 s, so a busy day is rebuilt about once a minute (decision 91).
 */
export const TELEMETRY_REBUILD_DELAY_SECONDS = 60;

export interface RebuildResult {
  /** Series the day was built from (0 when the integration is gone). */
  series: number;
  rows: number;
  /** The rows came out as stored already: nothing was written. */
  unchanged: boolean;
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

export async function rebuildTelemetryDay(
  request: TelemetryRebuildRequest,
  ports: RebuildTelemetryPorts,
): Promise<RebuildResult> {
  const { team_id: teamId, integration_id: integrationId, date } = request;
  await ports.series.clearRebuildMark(teamId, integrationId, date);
  const integration = await ports.integrations.get(teamId, integrationId);
  // The team removed its telemetry source since: nothing to store the day under.
  if (!integration) return { series: 0, rows: 0, unchanged: true };
  const states = await ports.series.getDay(teamId, integrationId, date);
  const rows = rowsFromSeries(states);
  const contentHash = rowsFingerprint(rows);
  const [stored] = await ports.usage.getLedger(teamId, date, date, integrationId);
  if (stored?.content_hash === contentHash && stored.last_error === undefined) {
    return { series: states.length, rows: rows.length, unchanged: true };
  }
  const syncId = `otlp_${date}`;
  await ports.usage.replaceDay(
    dayReplacement({
      team_id: teamId,
      integration_id: integrationId,
      provider: integration.provider,
      sync_id: syncId,
      date,
      rows,
      // The series are kept as items of their own: the raw part says what the rows were built from.
      raw: { source: 'otlp', series: states.length, fingerprint: fingerprint(states) },
      attempts: 0,
      now: ports.clock.now().toISOString(),
    }),
  );
  const ref = { integration_id: integrationId, provider: integration.provider };
  await refreshAfterStoring(teamId, ref, [date], ports);
  // Only once everything above the day is refreshed: a rebuild that stopped half-way stores the day again.
  await ports.usage.confirmDays({ team_id: teamId, integration_id: integrationId, sync_id: syncId }, [
    { date, content_hash: contentHash },
  ]);
  return { series: states.length, rows: rows.length, unchanged: false };
}
