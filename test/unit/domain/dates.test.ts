import { consecutiveRuns } from '../../../functions/domain/dates';

describe('consecutive runs of days', () => {
  it('splits at gaps and at the size, in order, without repeats', () => {
    expect(
      consecutiveRuns(
        ['2026-03-05', '2026-03-01', '2026-03-02', '2026-03-02', '2026-03-03', '2026-03-04'],
        3,
      ),
    ).toEqual([
      ['2026-03-01', '2026-03-02', '2026-03-03'],
      ['2026-03-04', '2026-03-05'],
    ]);
    expect(consecutiveRuns(['2026-02-28', '2026-03-01', '2026-03-03'], 31)).toEqual([
      ['2026-02-28', '2026-03-01'],
      ['2026-03-03'],
    ]);
    expect(consecutiveRuns([], 5)).toEqual([]);
  });
});
