import { AggregationTemporalityPreference } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';

/**
 * Sends Claude Code's OpenTelemetry metrics for some developers, as Claude Code's own exporter does when an
 * organisation's managed settings turn telemetry on (README, "Claude Code telemetry"): the OpenTelemetry JS SDK,
 * OTLP/HTTP protobuf, cumulative counters named and attributed like Claude Code's, `Authorization: Bearer` with
 * an ingest token. Used by `npm run telemetry` against the local run, and by its test.
 */
export interface TelemetryPerson {
  email: string;
  /** Deterministic figures per person: the same seed sends the same day. */
  seed: number;
}

/** What was sent for one person (the figures the dashboard should then count for them today). */
export interface SentFigures {
  email: string;
  sessions: number;
  lines_added: number;
  lines_removed: number;
  commits: number;
  edits_accepted: number;
  edits_rejected: number;
  active_seconds: number;
}

const MODEL = 'claude-sonnet-4-5';

function figuresOf(person: TelemetryPerson): SentFigures {
  const n = (base: number, spread: number) => base + ((person.seed * 7919 + spread * 31) % spread);
  return {
    email: person.email,
    sessions: n(1, 4),
    lines_added: n(40, 300),
    lines_removed: n(5, 60),
    commits: n(0, 4),
    edits_accepted: n(2, 12),
    edits_rejected: n(0, 4),
    active_seconds: n(600, 3600),
  };
}

export async function sendClaudeCodeTelemetry(options: {
  /** The OTLP metrics endpoint (…/api/ai-usage/otlp/v1/metrics). */
  endpoint: string;
  token: string;
  people: readonly TelemetryPerson[];
}): Promise<SentFigures[]> {
  const sent: SentFigures[] = [];
  for (const person of options.people) {
    const figures = figuresOf(person);
    const exporter = new OTLPMetricExporter({
      url: options.endpoint,
      headers: { Authorization: `Bearer ${options.token}` },
      temporalityPreference: AggregationTemporalityPreference.CUMULATIVE,
    });
    // One developer's Claude Code: its own process, resource and session.
    const provider = new MeterProvider({
      resource: resourceFromAttributes({ 'service.name': 'claude-code', 'service.version': '2.1.0' }),
      readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 })],
    });
    const meter = provider.getMeter('com.anthropic.claude_code', '2.1.0');
    const standard = {
      'user.email': person.email,
      'session.id': `local-${person.seed}`,
      'terminal.type': 'vscode',
    };
    const count = (name: string, value: number, attributes: Record<string, string> = {}) => {
      if (value > 0) meter.createCounter(`claude_code.${name}`).add(value, { ...standard, ...attributes });
    };
    count('session.count', figures.sessions);
    count('lines_of_code.count', figures.lines_added, { type: 'added', model: MODEL });
    count('lines_of_code.count', figures.lines_removed, { type: 'removed', model: MODEL });
    count('commit.count', figures.commits);
    count('code_edit_tool.decision', figures.edits_accepted, { tool_name: 'Edit', decision: 'accept' });
    count('code_edit_tool.decision', figures.edits_rejected, { tool_name: 'Edit', decision: 'reject' });
    count('active_time.total', figures.active_seconds, { type: 'cli' });
    // Shutting down exports what was counted once more and waits for the answer.
    await provider.forceFlush();
    await provider.shutdown();
    sent.push(figures);
  }
  return sent;
}
