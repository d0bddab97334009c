/**
 * Money arrives from some providers as fractional cents (Cursor: `4.591837`). Summing floats drifts, and
 * rounding each amount before summing loses cents, so amounts are kept as whole micro-cents (exact for the
 * six decimals providers send, and safe as integers far beyond any team's spend) and rounded to cents once,
 * when a figure is shown.
 */
export const MICRO_PER_CENT = 1_000_000;

export function toMicroCents(cents: number): number {
  return Math.round(cents * MICRO_PER_CENT);
}

/** Whole cents, rounded half up, from a sum of micro-cents. */
export function wholeCents(microCents: number): number {
  return Math.round(microCents / MICRO_PER_CENT);
}

/** The exact amount in cents as a decimal string (`"4.591837"`), for figures kept beside the rounded one. */
export function exactCents(microCents: number): string {
  const sign = microCents < 0 ? '-' : '';
  const abs = Math.abs(microCents);
  const whole = Math.floor(abs / MICRO_PER_CENT);
  const fraction = String(abs % MICRO_PER_CENT)
    .padStart(6, '0')
    .replace(/0+$/, '');
  return `${sign}${whole}${fraction ? `.${fraction}` : ''}`;
}
