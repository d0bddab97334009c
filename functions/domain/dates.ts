/** UTC calendar-day helpers. Days are ISO strings `YYYY-MM-DD`; every day in this system is a UTC day. */
const DAY_MS = 86_400_000;
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

export function isIsoDay(value: string): boolean {
  if (!ISO_DAY.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(value);
}

export function toIsoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function addDays(day: string, delta: number): string {
  return toIsoDay(new Date(Date.parse(`${day}T00:00:00Z`) + delta * DAY_MS));
}

/** Inclusive list of days from `start` to `end`; empty when start > end. */
export function daysBetween(start: string, end: string): string[] {
  const days: string[] = [];
  for (let day = start; day <= end; day = addDays(day, 1)) days.push(day);
  return days;
}

/** The `count` consecutive days ending with `end` (inclusive), oldest first. */
export function lastDays(end: string, count: number): string[] {
  return daysBetween(addDays(end, -(count - 1)), end);
}

/** Splits an ascending list of days into chunks of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/** Ascending runs of consecutive days (repeats dropped), each cut into chunks of at most `size`. */
export function consecutiveRuns(days: readonly string[], size: number): string[][] {
  const runs: string[][] = [];
  for (const day of [...new Set(days)].sort()) {
    const run = runs.at(-1);
    if (run && addDays(run.at(-1) as string, 1) === day) run.push(day);
    else runs.push([day]);
  }
  return runs.flatMap((run) => chunk(run, size));
}
