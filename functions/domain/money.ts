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

const DECIMAL_CENTS = /^(-)?(\d{1,12})(?:\.(\d{1,12}))?$/;

/**
 * Whole micro-cents of an amount sent as a decimal string of cents (Anthropic: `"41280.000000"` = $412.80), read
 * digit by digit so no binary fraction creeps in; digits past the sixth decimal are rounded half up. Undefined
 * for anything that is not such a decimal (or beyond a safe integer of micro-cents).
 */
export function microCentsOfDecimal(text: string): number | undefined {
  const match = DECIMAL_CENTS.exec(text.trim());
  if (!match) return undefined;
  const [, sign, whole, fraction = ''] = match;
  const kept = fraction.padEnd(6, '0').slice(0, 6);
  const roundUp = fraction.length > 6 && Number(fraction[6]) >= 5 ? 1 : 0;
  const micro = Number(whole) * MICRO_PER_CENT + Number(kept) + roundUp;
  if (!Number.isSafeInteger(micro)) return undefined;
  return sign && micro !== 0 ? -micro : micro;
}
