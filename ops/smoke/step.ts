import type { SmokeReport } from './report';

/** Thrown inside a step when the check does not hold; the message is what was seen. */
export class CheckFailed extends Error {
  override readonly name = 'CheckFailed';
}

/** What an unexpected error looked like, for the "seen" column: its name and message, never a stack. */
export function describeError(error: unknown): string {
  if (error instanceof CheckFailed) return error.message;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

export type StepOutcome<T> = { ok: true; value: T } | { ok: false };

/**
 * Runs one check and records one row: PASS with what it checked, or FAIL with what was seen (a
 * CheckFailed's message, or any other error's name and message). Never throws.
 */
export async function runStep<T>(
  report: SmokeReport,
  step: string,
  checked: string,
  check: () => Promise<T>,
  /** On success, adds what was actually seen to the row (e.g. the challenges Cognito asked). */
  note?: (value: T) => string,
): Promise<StepOutcome<T>> {
  try {
    const value = await check();
    report.pass(step, note ? `${checked} (${note(value)})` : checked);
    return { ok: true, value };
  } catch (error) {
    report.fail(step, checked, describeError(error));
    return { ok: false };
  }
}
