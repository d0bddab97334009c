import {
  admitTelemetryRequest,
  authenticateIngestToken,
  ingestTelemetry,
  type AdmitTelemetryPorts,
  type AuthenticateIngestPorts,
  type IngestTelemetryPorts,
} from '../domain/use-cases/ingest-telemetry';
import {
  ingestTokenRepository,
  integrationRepository,
  requestCounter,
  telemetrySeriesRepository,
} from '../adapters/dynamodb';
import { bodyBytes, decodeMetricsRequest, encodeMetricsResponse, otlpEncodingOf } from '../adapters/otlp';
import { sqsTelemetryRebuildQueue } from '../adapters/queue';
import { systemClock } from '../adapters/system';
import { telemetryThrottle } from '../adapters/telemetry-throttle';
import { httpHandler } from '../shared/http';
import { lazy } from '../shared/lazy';
import { log } from '../shared/observability';

export type OtlpPorts = IngestTelemetryPorts & AuthenticateIngestPorts & AdmitTelemetryPorts;

/**
 * POST /otlp/v1/metrics: Claude Code's OpenTelemetry metrics (OTLP/HTTP, protobuf or JSON), authenticated by
 * an ingest token — never the sign-in JWT, since developers' machines send it. The token is judged before the
 * body, then the team's request limit (429 with Retry-After, decision 92); errors are problem+json (decision 88);
 * success is ExportMetricsServiceResponse in the request's encoding.
 */
export function createOtlpHandler(ports: () => OtlpPorts) {
  return httpHandler(async (event) => {
    const { team_id } = await authenticateIngestToken(event.headers.authorization, ports());
    await admitTelemetryRequest(team_id, ports());
    const encoding = otlpEncodingOf(event.headers['content-type']);
    const request = decodeMetricsRequest(
      bodyBytes(event.body, event.isBase64Encoded),
      encoding,
      event.headers['content-encoding'],
    );
    const result = await ingestTelemetry(team_id, request, ports());
    log.info('telemetry ingested', {
      team_id,
      accepted: result.accepted,
      rejected: result.rejected,
      ignored: result.ignored,
      days_changed: result.days_changed,
    });
    const warning =
      result.ignored > 0
        ? `${result.ignored} points of metrics or kinds this endpoint does not read were ignored.`
        : undefined;
    const message = [result.message, warning].filter(Boolean).join(' ');
    const answer = encodeMetricsResponse(
      encoding,
      message ? { rejectedDataPoints: result.rejected, errorMessage: message } : undefined,
    );
    return {
      statusCode: 200,
      headers: { 'content-type': answer.contentType, 'cache-control': 'no-store' },
      body: answer.body,
      isBase64Encoded: answer.isBase64Encoded,
    };
  });
}

export const handler = createOtlpHandler(
  lazy(() => ({
    ingestTokens: ingestTokenRepository(),
    series: telemetrySeriesRepository(),
    integrations: integrationRepository(),
    rebuilds: sqsTelemetryRebuildQueue(),
    throttle: telemetryThrottle(requestCounter()),
    clock: systemClock,
  })),
);
