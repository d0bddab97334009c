import { addDays } from '../../functions/domain/dates';
import { DEMO_ANTHROPIC_ADMIN_KEY } from '../../local/fakes/claude-code';
import { startPipeline, type TestPipeline } from '../helpers/pipeline';

/**
 * Days that failed during a backfill heal in the next daily run, on real parts (DynamoDB Local, the fake
 * Anthropic API over HTTP): while the provider keeps failing a day it stays `failed` with its attempts and
 * reason; once the provider answers, the daily run fetches it again and it is `ok` with the figures a fault-free
 * run stores — nothing lost, nothing counted twice.
 */
const NOW = '2026-06-15T12:00:00Z';
const TODAY = '2026-06-15';
const TEAM = 'team-heal';
const BROKEN = [addDays(TODAY, -20), addDays(TODAY, -9)];

describe('self-healing sync', () => {
  let pipeline: TestPipeline;
  let admin: string;
  let integrationId: string;
  const ledgerOf = async (date: string) =>
    (await pipeline.runtime.ports.usage.getLedger(TEAM, date, date, integrationId))[0];

  beforeAll(async () => {
    pipeline = await startPipeline({
      now: NOW,
      fake: { developers: 4, apiKeyActors: 0, historyDays: 40, seed: 'heal' },
    });
    admin = await pipeline.token(TEAM, 'admin');
    for (const date of BROKEN) pipeline.fake.faults.add({ status: 500, times: Infinity, date });
    const connected = await pipeline.call('POST', '/connect', {
      token: admin,
      body: { provider: 'claude_code', api_key: DEMO_ANTHROPIC_ADMIN_KEY, backfill_days: 30 },
    });
    expect(connected.status).toBe(201);
    integrationId = String(connected.body.integration_id);
    await pipeline.runtime.queue.drain();
  }, 120_000);
  afterAll(async () => pipeline?.close());

  it('a backfill leaves the days the provider failed as failed, with attempts and reason', async () => {
    for (const date of BROKEN) {
      const entry = await ledgerOf(date);
      expect(entry).toMatchObject({ state: 'failed' });
      expect(entry?.attempts).toBeGreaterThan(0);
      expect(String(entry?.reason ?? (entry as unknown as { last_error?: string }).last_error)).toMatch(
        /500/,
      );
    }
  });

  const waiting = async () =>
    (await pipeline.runtime.ports.usage.getLedger(TEAM, addDays(TODAY, -60), TODAY, integrationId)).filter(
      (entry) => entry.state === 'failed' || entry.state === 'pending',
    );

  it('the daily run while the provider still fails them: asks again, oldest first, at most 14 days', async () => {
    // A job stops at a day the provider keeps failing: the days after it in that job are left pending too.
    const before = await waiting();
    expect(before.length).toBeGreaterThan(BROKEN.length);
    const attempts = await Promise.all(BROKEN.map(async (date) => (await ledgerOf(date))?.attempts ?? 0));
    pipeline.clock.advance(24 * 3600);
    const [result] = await pipeline.runtime.schedule('claude_code');
    expect(result).toMatchObject({ integrations: 1, repairs: Math.min(14, before.length) });
    await pipeline.runtime.queue.drain();
    for (const [index, date] of BROKEN.entries()) {
      const entry = await ledgerOf(date);
      expect(entry?.state).toBe('failed');
      expect(entry?.attempts).toBeGreaterThan(attempts[index] as number);
    }
  });

  it('once the provider answers, daily runs heal every day: ok, with the fault-free figures, then nothing to do', async () => {
    pipeline.fake.faults.clear();
    const runs: number[] = [];
    for (let run = 0; run < 5; run++) {
      pipeline.clock.advance(24 * 3600);
      const [result] = await pipeline.runtime.schedule('claude_code');
      await pipeline.runtime.queue.drain();
      runs.push(result?.repairs ?? -1);
      if (result?.repairs === 0) break;
    }
    expect(runs.at(-1)).toBe(0);
    expect(runs.slice(0, -1).every((repairs) => repairs > 0 && repairs <= 14)).toBe(true);
    for (const date of BROKEN) {
      const entry = await ledgerOf(date);
      expect(['ok', 'no_activity']).toContain(entry?.state);
      const actors = new Set(pipeline.fake.recordsFor(date).map((record) => JSON.stringify(record.actor)));
      expect(entry?.developers).toBe(actors.size);
    }
    // Nothing older than the newest day the provider serves is left waiting.
    const newest = addDays(pipeline.clock.now().toISOString().slice(0, 10), -1);
    expect((await waiting()).filter((entry) => entry.date < newest)).toEqual([]);
  });
});
