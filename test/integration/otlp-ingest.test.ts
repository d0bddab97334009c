import type { Counter } from '@opentelemetry/api';
import {
  AggregationTemporalityPreference,
  OTLPMetricExporter as JsonExporter,
} from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtobufExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, MetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { usageTable } from '../../functions/adapters/dynamodb/table-definitions';
import { MAX_OTLP_BODY_BYTES } from '../../functions/adapters/otlp';
import { startPipeline, type TestPipeline } from '../helpers/pipeline';

/**
 * Claude Code's OpenTelemetry metrics through the local run, sent by the real OpenTelemetry JS SDK's OTLP
 * exporters (HTTP JSON and HTTP protobuf) with an ingest token: the stored developer-day rows hold what was
 * counted; a request delivered twice, or an older cumulative export replayed, writes nothing; bad, oversized
 * and unauthenticated bodies get their 4xx and write nothing.
 */
const TEAM = 'team-otlp';
// The SDK stamps points with the machine's clock: the pipeline's day is today.
const NOW = new Date().toISOString();
const TODAY = NOW.slice(0, 10);

/** A reader that collects when asked, so a test can export one collection twice or an old one late. */
class ManualReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

/** One developer's Claude Code, shaped as Claude Code's exporter sends: standard attributes on every point. */
function claudeCode(protocol: 'json' | 'protobuf', url: string, token: string, user: Record<string, string>) {
  const options = {
    url,
    headers: { Authorization: `Bearer ${token}` },
    temporalityPreference: AggregationTemporalityPreference.CUMULATIVE,
  };
  const exporter = protocol === 'json' ? new JsonExporter(options) : new ProtobufExporter(options);
  const reader = new ManualReader();
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'claude-code', 'service.version': '2.1.0' }),
    readers: [reader],
  });
  const meter = provider.getMeter('com.anthropic.claude_code', '2.1.0');
  const standard = {
    ...user,
    'session.id': `session-${protocol}`,
    'organization.id': 'org-1',
    'terminal.type': 'vscode',
  };
  const counters: Record<string, Counter> = {};
  const counter = (name: string) =>
    (counters[name] ??= meter.createCounter(`claude_code.${name}`, { unit: 'count' }));
  return {
    add(name: string, value: number, attributes: Record<string, string> = {}) {
      counter(name).add(value, { ...standard, ...attributes });
    },
    async collect(): Promise<ResourceMetrics> {
      return (await reader.collect()).resourceMetrics;
    },
    export(metrics: ResourceMetrics): Promise<{ code: number; error?: Error }> {
      return new Promise((resolve) => exporter.export(metrics, resolve));
    },
    shutdown: () => provider.shutdown(),
  };
}

describe('OTLP metrics from the OpenTelemetry SDK', () => {
  let pipeline: TestPipeline;
  let admin: string;
  let ingest: string;
  let url: string;

  /** The stored rows, once every telemetry day a request changed is rebuilt. */
  const rows = async () => {
    await pipeline.runtime.queue.drain();
    return (await pipeline.scanTable(usageTable.envVar)).filter(
      (item) => item.team_id === TEAM && String(item.sk).startsWith('USAGE#'),
    );
  };

  /** Everything stored but the teams' request counts, once every day a request changed is rebuilt. */
  const everythingStored = async () => {
    await pipeline.runtime.queue.drain();
    return pipeline.scanData();
  };

  beforeAll(async () => {
    pipeline = await startPipeline({ now: NOW });
    admin = await pipeline.token(TEAM, 'admin');
    const made = await pipeline.call('POST', '/ingest-tokens', {
      token: admin,
      body: { name: 'Claude Code managed settings' },
    });
    expect(made.status).toBe(201);
    ingest = String(made.body.token);
    url = `${pipeline.baseUrl}/otlp/v1/metrics`;
  }, 60_000);
  afterAll(async () => pipeline?.close());

  it('stores each developer-day as sent, counts re-sent cumulative counters once, and a duplicate or replay writes nothing', async () => {
    const ana = claudeCode('protobuf', url, ingest, {
      'user.email': 'Ana.Silva@Example.com',
      'user.account_id': 'user_ana',
    });
    const bo = claudeCode('json', url, ingest, { 'user.account_id': 'user_bo' });
    const model = { model: 'claude-sonnet-4-5' };
    ana.add('session.count', 1);
    ana.add('lines_of_code.count', 120, { type: 'added', ...model });
    ana.add('lines_of_code.count', 30, { type: 'removed', ...model });
    ana.add('token.usage', 5000, { type: 'input', ...model });
    ana.add('token.usage', 800, { type: 'output', ...model });
    ana.add('cost.usage', 0.42, model);
    ana.add('commit.count', 2);
    ana.add('code_edit_tool.decision', 3, { tool_name: 'Edit', decision: 'accept', language: 'TypeScript' });
    ana.add('code_edit_tool.decision', 1, { tool_name: 'Edit', decision: 'reject', language: 'TypeScript' });
    ana.add('active_time.total', 300, { type: 'cli' });
    bo.add('session.count', 1);
    bo.add('lines_of_code.count', 40, { type: 'added', ...model });

    const first = await ana.collect();
    expect(await ana.export(first)).toMatchObject({ code: 0 });
    expect(await bo.export(await bo.collect())).toMatchObject({ code: 0 });
    // A minute later the cumulative counters are reported again, one of them grown.
    ana.add('lines_of_code.count', 80, { type: 'added', ...model });
    const second = await ana.collect();
    expect(await ana.export(second)).toMatchObject({ code: 0 });

    const stored = await rows();
    expect(stored).toHaveLength(2);
    const anaRow = stored.find(
      (row) => row.sk === `USAGE#${String(row.integration_id)}#email:ana.silva@example.com`,
    );
    expect(anaRow).toMatchObject({
      date: TODAY,
      provider: 'claude_code',
      developer: { key: 'email:ana.silva@example.com', email: 'ana.silva@example.com' },
      metrics: {
        sessions: 1,
        lines_added: 200,
        lines_accepted: 200,
        lines_removed: 30,
        tokens_input: 5000,
        tokens_output: 800,
        cost_cents: 42,
        commits: 2,
        suggestions_shown: 4,
        suggestions_accepted: 3,
        interactions: 5,
        active_seconds: 300,
      },
      extras: { source: 'otlp' },
    });
    const boRow = stored.find((row) => String(row.sk).endsWith('#claude:user_bo'));
    expect(boRow).toMatchObject({ metrics: { sessions: 1, lines_added: 40 } });

    // The same request delivered again, and the older export replayed after the newer: nothing is written.
    const before = await everythingStored();
    expect(await ana.export(second)).toMatchObject({ code: 0 });
    expect(await ana.export(first)).toMatchObject({ code: 0 });
    expect(await everythingStored()).toBe(before);
    await Promise.all([ana.shutdown(), bo.shutdown()]);

    // The team's Claude Code figures include the telemetry source.
    const dashboard = await pipeline.call('GET', '/dashboard?days=7', { token: admin });
    expect(dashboard.status).toBe(200);
    expect(dashboard.text).toContain('claude_code');
  });

  it('answers partial success for points it refuses or ignores, in the request’s encoding', async () => {
    const nanos = `${Date.now()}000000`;
    const point = (attributes: { key: string; value: { stringValue: string } }[]) => ({
      attributes,
      startTimeUnixNano: nanos,
      timeUnixNano: nanos,
      asInt: '1',
    });
    const response = await pipeline.call('POST', '/otlp/v1/metrics', {
      headers: { authorization: `Bearer ${ingest}`, 'content-type': 'application/json' },
      rawBody: JSON.stringify({
        resourceMetrics: [
          {
            resource: { attributes: [] },
            scopeMetrics: [
              {
                metrics: [
                  {
                    name: 'claude_code.commit.count',
                    sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints: [point([])] },
                  },
                  {
                    name: 'other_tool.requests',
                    sum: {
                      aggregationTemporality: 2,
                      dataPoints: [point([{ key: 'user.email', value: { stringValue: 'cy@example.com' } }])],
                    },
                  },
                ],
              },
            ],
          },
        ],
      }),
    });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      partialSuccess: {
        rejectedDataPoints: '1',
        errorMessage:
          'Points rejected: 1 without user.email or user.account_id. 1 points of metrics or kinds this endpoint does not read were ignored.',
      },
    });
  });

  it('refuses bad, oversized and unauthenticated bodies with their 4xx, and writes nothing', async () => {
    const jwt = await pipeline.token(TEAM, 'admin');
    const revoked = await pipeline.call('POST', '/ingest-tokens', { token: admin, body: { name: 'old' } });
    const revokedToken = String(revoked.body.token);
    const revokedId = (revoked.body.ingest_token as { token_id: string }).token_id;
    expect((await pipeline.call('DELETE', `/ingest-tokens/${revokedId}`, { token: admin })).status).toBe(204);
    const afterRevoke = await everythingStored();
    const json = { 'content-type': 'application/json' };
    const cases: [string, Record<string, string>, string | Uint8Array, number, string][] = [
      ['no token', json, '{}', 401, 'unauthorized'],
      ['the sign-in JWT', { ...json, authorization: `Bearer ${jwt}` }, '{}', 403, 'forbidden'],
      ['a revoked token', { ...json, authorization: `Bearer ${revokedToken}` }, '{}', 403, 'forbidden'],
      [
        'malformed JSON',
        { ...json, authorization: `Bearer ${ingest}` },
        '{"resourceMetrics": [',
        400,
        'invalid-request',
      ],
      [
        'malformed protobuf',
        { 'content-type': 'application/x-protobuf', authorization: `Bearer ${ingest}` },
        new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff]),
        400,
        'invalid-request',
      ],
      [
        'an oversized body',
        { ...json, authorization: `Bearer ${ingest}` },
        `{"resourceMetrics":[],"pad":"${'x'.repeat(MAX_OTLP_BODY_BYTES)}"}`,
        413,
        'payload-too-large',
      ],
      [
        'another media type',
        { 'content-type': 'text/plain', authorization: `Bearer ${ingest}` },
        '{}',
        415,
        'unsupported-media-type',
      ],
    ];
    for (const [what, headers, body, status, type] of cases) {
      const response = await pipeline.call('POST', '/otlp/v1/metrics', { headers, rawBody: body });
      expect(`${what} → ${response.status}`).toBe(`${what} → ${status}`);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(response.body.type).toBe(`urn:ai-usage:problem:${type}`);
      expect(response.text).not.toContain(ingest);
      expect(response.text).not.toContain(revokedToken);
    }
    expect(await everythingStored()).toBe(afterRevoke);
  });
});
