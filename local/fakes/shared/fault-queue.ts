/**
 * The fakes' queued faults: FIFO among the faults that match a request, each used `times` times (default 1;
 * Infinity: until cleared). Each fake says what a fault looks like (`check`: the checked fault, or why it is not
 * one) and which faults match a request (the predicate given to `takeFirst`).
 */
export class FaultQueue<F extends { times?: number }> {
  private entries: { fault: F; remaining: number }[] = [];

  constructor(private readonly check: (input: F) => F | string) {}

  add(input: F): void {
    const checked = this.check(input);
    if (typeof checked === 'string') throw new TypeError(`Invalid fault: ${checked}`);
    this.entries.push({ fault: checked, remaining: checked.times ?? 1 });
  }

  clear(): void {
    this.entries = [];
  }

  /** Uses left over all queued faults (Infinity while an unlimited fault is queued). */
  pending(): number {
    return this.entries.reduce((sum, entry) => sum + entry.remaining, 0);
  }

  /** The first fault that matches, counted as used; undefined when none matches. */
  takeFirst(matches: (fault: F) => boolean): F | undefined {
    const index = this.entries.findIndex((entry) => matches(entry.fault));
    const entry = this.entries[index];
    if (!entry) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.entries.splice(index, 1);
    return entry.fault;
  }
}

/** A fault sent as JSON (POST /__fake/faults), as a record to check: JSON has no Infinity, so "Infinity" stands for it. */
export function faultFields(input: unknown): Record<string, unknown> | string {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return 'a fault must be a JSON object';
  const fields: Record<string, unknown> = { ...input };
  if (fields.times === 'Infinity') fields.times = Infinity;
  return fields;
}
