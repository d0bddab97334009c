import type { StepRow } from './report';

/**
 * The pass/fail table printed at the end:
 *
 *   RESULT  STEP            CHECKED
 *   PASS    GET /health     200 with status "ok"
 *   FAIL    POST /connect…  403 problem+json …
 *                           seen: 201 application/json {"integration_id":…}
 *
 *   14 passed, 1 failed, 0 skipped
 */
export function formatTable(rows: readonly StepRow[]): string[] {
  const stepWidth = Math.max('STEP'.length, ...rows.map((row) => row.step.length));
  const indent = ' '.repeat('RESULT'.length + 2 + stepWidth + 2);
  const lines = [`${'RESULT'.padEnd(8)}${'STEP'.padEnd(stepWidth + 2)}CHECKED`];
  for (const row of rows) {
    lines.push(`${row.outcome.padEnd(8)}${row.step.padEnd(stepWidth + 2)}${row.checked}`);
    if (row.seen !== undefined) {
      lines.push(`${indent}${row.outcome === 'SKIP' ? 'not run' : 'seen'}: ${row.seen}`);
    }
  }
  const count = (outcome: StepRow['outcome']) => rows.filter((row) => row.outcome === outcome).length;
  lines.push('', `${count('PASS')} passed, ${count('FAIL')} failed, ${count('SKIP')} skipped`);
  return lines;
}
