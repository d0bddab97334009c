import { usageTable } from '../../functions/adapters/dynamodb/table-definitions';
import { sendClaudeCodeTelemetry } from '../../local/claude-code-telemetry';
import { startPipeline, type TestPipeline } from '../helpers/pipeline';

/**
 * `npm run telemetry`'s sender (the OpenTelemetry SDK shaped like Claude Code's exporter) against the local run:
 * what it reports sending is what the developer-day rows and the dashboard then hold, under Claude Code.
 */
const TEAM = 'team-telemetry-sender';
// The SDK stamps points with the machine's clock: the pipeline's day is today.
const NOW = new Date().toISOString();

describe('npm run telemetry’s sender', () => {
  let pipeline: TestPipeline;
  beforeAll(async () => {
    pipeline = await startPipeline({ now: NOW });
  }, 60_000);
  afterAll(async () => pipeline?.close());

  it('stores what it sent for each person, and the dashboard counts them under Claude Code', async () => {
    const admin = await pipeline.token(TEAM, 'admin');
    const made = await pipeline.call('POST', '/ingest-tokens', { token: admin, body: { name: 'sender' } });
    expect(made.status).toBe(201);
    const sent = await sendClaudeCodeTelemetry({
      endpoint: `${pipeline.baseUrl}/otlp/v1/metrics`,
      token: String(made.body.token),
      people: [
        { email: 'ana@example.org', seed: 1 },
        { email: 'bo@example.org', seed: 2 },
      ],
    });
    // The days are rebuilt from the merged series a little later (here: as soon as the queue is drained).
    await pipeline.runtime.queue.drain();
    const rows = (await pipeline.scanTable(usageTable.envVar)).filter(
      (item) => item.team_id === TEAM && String(item.sk).startsWith('USAGE#'),
    );
    for (const figures of sent) {
      const row = rows.find((item) => String(item.sk).endsWith(`#email:${figures.email}`));
      expect(row).toMatchObject({
        provider: 'claude_code',
        date: NOW.slice(0, 10),
        metrics: {
          sessions: figures.sessions,
          lines_added: figures.lines_added,
          lines_removed: figures.lines_removed,
          commits: figures.commits,
          suggestions_accepted: figures.edits_accepted,
          suggestions_shown: figures.edits_accepted + figures.edits_rejected,
          active_seconds: figures.active_seconds,
        },
      });
    }
    expect(rows).toHaveLength(sent.length);
    const dashboard = await pipeline.call('GET', '/dashboard?days=7', { token: admin });
    const tools = dashboard.body.tools as {
      provider: string;
      interactions: number;
      max_daily_active_developers: number;
    }[];
    expect(tools.map((tool) => tool.provider)).toEqual(['claude_code']);
    expect(tools[0]?.max_daily_active_developers).toBe(2);
    expect(tools[0]?.interactions).toBe(
      sent.reduce((sum, f) => sum + f.sessions + f.edits_accepted + f.edits_rejected, 0),
    );
  });
});
