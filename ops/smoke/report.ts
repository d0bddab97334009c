import type { RedactingPrinter } from './redacting-printer';

export type Outcome = 'PASS' | 'FAIL' | 'SKIP';

/** One row of the final table: what a step checked and, when it failed or was skipped, what was seen. */
export interface StepRow {
  step: string;
  outcome: Outcome;
  checked: string;
  seen?: string;
}

/** Collects the rows and echoes each as it is decided (the alarm step alone can take a minute). */
export class SmokeReport {
  readonly rows: StepRow[] = [];

  constructor(private readonly out: RedactingPrinter) {}

  pass(step: string, checked: string): void {
    this.add({ step, outcome: 'PASS', checked });
  }

  fail(step: string, checked: string, seen: string): void {
    this.add({ step, outcome: 'FAIL', checked, seen });
  }

  skip(step: string, checked: string, why: string): void {
    this.add({ step, outcome: 'SKIP', checked, seen: why });
  }

  get failures(): number {
    return this.rows.filter((row) => row.outcome === 'FAIL').length;
  }

  private add(row: StepRow): void {
    // Rows are redacted once, when they are made, so the table and the live lines agree.
    const clean: StepRow = {
      ...row,
      checked: this.out.redact(row.checked),
      ...(row.seen === undefined ? {} : { seen: this.out.redact(row.seen) }),
    };
    this.rows.push(clean);
    this.out.line(`  ${clean.outcome.padEnd(4)}  ${clean.step}`);
  }
}
