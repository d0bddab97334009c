import {
  DEAD_LETTER_ERROR_CHARS,
  DEAD_LETTERS_KEPT,
  keptError,
  liveDeadLetters,
  summarizeDeadLetters,
  withDeadLetter,
  withoutDeadLetter,
} from '../../../functions/domain/dead-letters';
import type { DeadLetteredJob } from '../../../functions/domain/model';
import { SYNC_JOB_DELIVERY } from '../../../functions/domain/provider-manifest';

/** The dead-letter list an integration keeps: added, replaced, removed, forgotten after the queue's retention. */
const NOW = new Date('2026-06-15T12:00:00Z');
const RETENTION_MS = SYNC_JOB_DELIVERY.deadLetterRetentionDays * 24 * 3600 * 1000;

const job = (id: string, at: string, overrides: Partial<DeadLetteredJob> = {}): DeadLetteredJob => ({
  job_id: id,
  sync_id: 's',
  trigger: 'scheduled',
  dates: ['2026-06-13', '2026-06-14'],
  dead_lettered_at: at,
  error: 'claude_code 2026-06-13: the provider answered 500',
  ...overrides,
});

describe('dead-lettered jobs of an integration', () => {
  it('adds jobs oldest first, and a job dead-lettered again replaces its entry', () => {
    let list = withDeadLetter(undefined, job('b', '2026-06-15T10:00:00.000Z'), NOW);
    list = withDeadLetter(list, job('a', '2026-06-15T09:00:00.000Z'), NOW);
    expect(list.map((entry) => entry.job_id)).toEqual(['a', 'b']);
    list = withDeadLetter(list, job('a', '2026-06-15T11:00:00.000Z', { error: 'again' }), NOW);
    expect(list.map((entry) => [entry.job_id, entry.error])).toEqual([
      ['b', 'claude_code 2026-06-13: the provider answered 500'],
      ['a', 'again'],
    ]);
  });

  it('keeps at most DEAD_LETTERS_KEPT, the newest', () => {
    let list: DeadLetteredJob[] = [];
    for (let i = 0; i <= DEAD_LETTERS_KEPT; i++) {
      const at = new Date(NOW.getTime() - (DEAD_LETTERS_KEPT - i) * 60_000).toISOString();
      list = withDeadLetter(list, job(`j${i}`, at), NOW);
    }
    expect(list).toHaveLength(DEAD_LETTERS_KEPT);
    expect(list[0]?.job_id).toBe('j1');
    expect(list.at(-1)?.job_id).toBe(`j${DEAD_LETTERS_KEPT}`);
  });

  it('forgets jobs the dead-letter queue no longer keeps', () => {
    const kept = job('kept', new Date(NOW.getTime() - RETENTION_MS + 60_000).toISOString());
    const gone = job('gone', new Date(NOW.getTime() - RETENTION_MS).toISOString());
    expect(liveDeadLetters([gone, kept], NOW)).toEqual([kept]);
    // A write drops them too.
    expect(withDeadLetter([gone], job('new', NOW.toISOString()), NOW).map((entry) => entry.job_id)).toEqual([
      'new',
    ]);
  });

  it('removing the last job leaves nothing (the field disappears), removing one keeps the others', () => {
    const list = [job('a', '2026-06-15T09:00:00.000Z'), job('b', '2026-06-15T10:00:00.000Z')];
    expect(withoutDeadLetter(list, 'a', NOW)).toEqual([list[1]]);
    expect(withoutDeadLetter([list[0] as DeadLetteredJob], 'a', NOW)).toBeUndefined();
    expect(withoutDeadLetter(list, 'other', NOW)).toEqual(list);
  });

  it('summarises as the count and the newest job; null when none is left', () => {
    const newest = job('b', '2026-06-15T10:00:00.000Z', { dates: ['2026-06-14'], error: 'error: boom' });
    expect(summarizeDeadLetters([job('a', '2026-06-15T09:00:00.000Z'), newest], NOW)).toEqual({
      jobs: 2,
      newest: {
        job_id: 'b',
        dead_lettered_at: '2026-06-15T10:00:00.000Z',
        dates: ['2026-06-14'],
        error: 'error: boom',
      },
    });
    expect(summarizeDeadLetters(undefined, NOW)).toBeNull();
    expect(summarizeDeadLetters([], NOW)).toBeNull();
    const later = new Date(Date.parse(newest.dead_lettered_at) + RETENTION_MS);
    expect(summarizeDeadLetters([newest], later)).toBeNull();
  });

  it('keeps an error of at most DEAD_LETTER_ERROR_CHARS characters', () => {
    expect(keptError('short')).toBe('short');
    const long = keptError('x'.repeat(DEAD_LETTER_ERROR_CHARS * 2));
    expect(long).toHaveLength(DEAD_LETTER_ERROR_CHARS);
    expect(long.endsWith('…')).toBe(true);
  });
});
