import { backfillRange, buildJobs, dailyDates } from '../../../functions/domain/sync-plan';
import { daysBetween } from '../../../functions/domain/dates';
import { claudeCodeManifest } from '../../../functions/providers/claude-code/manifest';
import { githubCopilotManifest } from '../../../functions/providers/github-copilot/manifest';
import { nextEventBridgeFire } from '../../../local/cron';

const now = new Date('2026-11-23T08:00:00Z');
let n = 0;
const ids = { newId: (prefix: string) => `${prefix}_${++n}` };

describe('sync plan', () => {
  it('backfills 90 days ending yesterday', () => {
    expect(backfillRange(claudeCodeManifest, now)).toEqual({ start: '2026-08-25', end: '2026-11-22' });
    expect(daysBetween('2026-08-25', '2026-11-22')).toHaveLength(90);
  });

  it('takes a requested depth, never starting before the earliest day the provider serves', () => {
    expect(backfillRange(claudeCodeManifest, now, undefined, 7)).toEqual({
      start: '2026-11-16',
      end: '2026-11-22',
    });
    expect(backfillRange(githubCopilotManifest, now, '2025-12-12', 365)).toEqual({
      start: '2025-12-12',
      end: '2026-11-21',
    });
    expect(backfillRange(githubCopilotManifest, now)).toEqual({ start: '2026-08-14', end: '2026-11-21' });
    expect(dailyDates(githubCopilotManifest, now)).toEqual([
      '2026-11-18',
      '2026-11-19',
      '2026-11-20',
      '2026-11-21',
    ]);
  });

  it('fetches yesterday and the day before every day', () => {
    expect(dailyDates(claudeCodeManifest, now)).toEqual(['2026-11-21', '2026-11-22']);
  });

  it('splits days into jobs of at most maxDaysPerJob, newest first, covering every day once', () => {
    const days = daysBetween('2026-08-25', '2026-11-22');
    const jobs = buildJobs(
      { teamId: 't', integrationId: 'i', provider: 'claude_code' },
      days,
      claudeCodeManifest,
      'backfill',
      's',
      ids,
      now,
    );
    expect(jobs).toHaveLength(9);
    expect(jobs.every((job) => job.dates.length <= claudeCodeManifest.sync.maxDaysPerJob)).toBe(true);
    expect(jobs[0]?.dates.at(-1)).toBe('2026-11-22');
    expect(jobs.flatMap((job) => job.dates).sort()).toEqual(days);
    expect(new Set(jobs.map((job) => job.job_id)).size).toBe(9);
  });
});

describe('EventBridge cron in the local run', () => {
  it('fires at the manifest time, in UTC', () => {
    expect(nextEventBridgeFire('cron(15 3 * * ? *)', new Date('2026-11-23T02:00:00Z')).toISOString()).toBe(
      '2026-11-23T03:15:00.000Z',
    );
    expect(nextEventBridgeFire('cron(15 3 * * ? *)', new Date('2026-11-23T03:15:00Z')).toISOString()).toBe(
      '2026-11-24T03:15:00.000Z',
    );
  });

  it('refuses what is not an EventBridge cron', () => {
    expect(() => nextEventBridgeFire('rate(1 day)', now)).toThrow(/not an EventBridge cron/);
  });
});
