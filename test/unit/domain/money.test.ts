import { exactCents, microCentsOfDecimal, wholeCents } from '../../../functions/domain/money';

describe('decimal-string cents', () => {
  it.each([
    ['41280.000000', 41_280_000_000],
    ['0.333333', 333_333],
    ['12', 12_000_000],
    ['0.1234564', 123_456],
    ['0.1234565', 123_457],
    ['-5.5', -5_500_000],
    ['-0.0000001', 0],
  ])('reads %s as %d micro-cents, digit by digit', (text, micro) => {
    expect(microCentsOfDecimal(text)).toBe(micro);
  });

  it('sums amounts that floats would not add exactly', () => {
    // 0.1 + 0.2 in floating point is 0.30000000000000004; in micro-cents it is 0.3 exactly.
    const sum = ['0.1', '0.2'].reduce((total, text) => total + (microCentsOfDecimal(text) ?? NaN), 0);
    expect(exactCents(sum)).toBe('0.3');
    const thirds = ['0.333333', '0.333333', '0.333334'].map((text) => microCentsOfDecimal(text) ?? NaN);
    expect(wholeCents(thirds.reduce((a, b) => a + b, 0))).toBe(1);
  });

  it.each([['1e3'], ['12.'], ['.5'], ['NaN'], [''], ['1,50'], ['99999999999999.0']])('refuses %j', (text) => {
    expect(microCentsOfDecimal(text)).toBeUndefined();
  });
});
