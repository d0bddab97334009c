import type { DeadLetteredJob } from './model';
import { SYNC_JOB_DELIVERY } from './provider-manifest';

/**
 * An integration's sync jobs in the dead-letter queue, as far as the pipeline knows: a job is added when it fails
 * on its last allowed receive, removed when it later succeeds (a redrive), and forgotten once the dead-letter
 * queue no longer keeps it (SQS drops a message after the queue's retention).
 */

/** Jobs kept on the integration item: far more than its daily and repair jobs of one retention period. */
export const DEAD_LETTERS_KEPT = 100;
/** Longest error text kept of a job (the item stays small; the logs have the rest). */
export const DEAD_LETTER_ERROR_CHARS = 300;

const DAY_MS = 24 * 60 * 60 * 1000;

/** What the API shows: how many, and the newest one. */
export interface DeadLetterSummary {
  jobs: number;
  newest: Pick<DeadLetteredJob, 'job_id' | 'dead_lettered_at' | 'dates' | 'error'>;
}

/**
 * The jobs the dead-letter queue still keeps. SQS counts a standard queue's retention from the message's first
 * enqueue, a few hours before it was dead-lettered at most, so a job may be shown for those hours after SQS
 * dropped it, never dropped while SQS keeps it.
 */
export function liveDeadLetters(jobs: readonly DeadLetteredJob[] | undefined, now: Date): DeadLetteredJob[] {
  const retentionMs = SYNC_JOB_DELIVERY.deadLetterRetentionDays * DAY_MS;
  return (jobs ?? []).filter((job) => Date.parse(job.dead_lettered_at) + retentionMs > now.getTime());
}

/** The error as kept: at most DEAD_LETTER_ERROR_CHARS characters. */
export function keptError(text: string): string {
  return text.length <= DEAD_LETTER_ERROR_CHARS ? text : `${text.slice(0, DEAD_LETTER_ERROR_CHARS - 1)}…`;
}

/** The list with `job` in it (once: a job dead-lettered again replaces its entry), oldest first, bounded. */
export function withDeadLetter(
  jobs: readonly DeadLetteredJob[] | undefined,
  job: DeadLetteredJob,
  now: Date,
): DeadLetteredJob[] {
  return [...liveDeadLetters(jobs, now).filter((kept) => kept.job_id !== job.job_id), job]
    .sort((a, b) => a.dead_lettered_at.localeCompare(b.dead_lettered_at))
    .slice(-DEAD_LETTERS_KEPT);
}

/** The list without the job; undefined when nothing is left (the field disappears from the item). */
export function withoutDeadLetter(
  jobs: readonly DeadLetteredJob[] | undefined,
  jobId: string,
  now: Date,
): DeadLetteredJob[] | undefined {
  const left = liveDeadLetters(jobs, now).filter((kept) => kept.job_id !== jobId);
  return left.length ? left : undefined;
}

/** How many jobs, and the newest; null when none is left in the dead-letter queue. */
export function summarizeDeadLetters(
  jobs: readonly DeadLetteredJob[] | undefined,
  now: Date,
): DeadLetterSummary | null {
  const live = liveDeadLetters(jobs, now);
  const newest = live.reduce<DeadLetteredJob | undefined>(
    (found, job) => (!found || job.dead_lettered_at > found.dead_lettered_at ? job : found),
    undefined,
  );
  if (!newest) return null;
  const { job_id, dead_lettered_at, dates, error } = newest;
  return { jobs: live.length, newest: { job_id, dead_lettered_at, dates, error } };
}

/** A day's reason when its job was dead-lettered: what happened, and how the day recovers. */
/**
 * What a job's record says while its last allowed try runs: a function stopped by its timeout or memory limit
 * answers nothing, SQS moves the message to the dead-letter queue, and this is what stays.
 */
export function unfinishedLastTryError(receives: number): string {
  return (
    `its last try (delivery ${receives}) began and did not finish: the function stopped (timeout or out of memory) ` +
    'before it could record an error'
  );
}

export function deadLetteredDayReason(receives: number, error: string): string {
  return (
    `dead_letter: the sync job failed on all ${receives} deliveries and was moved to the dead-letter queue ` +
    `(last error: ${error}). The daily run asks for this day again; an operator can also redrive the queue.`
  );
}
