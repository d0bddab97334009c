import { dayReplacement, rowsFingerprint } from '../../../functions/domain/stored-day';
import { emptyBreakdowns, zeroMetrics, type DeveloperDayUsage } from '../../../functions/domain/metrics';

/** A GitHub Copilot row as the normaliser makes it: figures Copilot does not report are 0. */
const copilotRow = (overrides: Partial<DeveloperDayUsage['metrics']> = {}): DeveloperDayUsage => ({
  date: '2026-11-20',
  developer: { key: 'github:42', kind: 'user', login: 'ana-silva' },
  active: true,
  metrics: {
    ...zeroMetrics(),
    interactions: 12,
    requests: 5,
    chat_turns: 5,
    suggestions_shown: 7,
    suggestions_accepted: 4,
    lines_added: 30,
    ...overrides,
  },
  breakdowns: { ...emptyBreakdowns(), editors: { vscode: { interactions: 12 } } },
  extras: { used_chat: true },
});

describe('the fingerprint of a day’s rows', () => {
  it('is what it was before active_seconds was appended, for a provider that does not report it', () => {
    // The hash this row had when the vocabulary ended at cost_cents (stored on ledger entries since): a re-sync
    // of such a day must find its rows unchanged and write nothing.
    expect(rowsFingerprint([copilotRow()])).toBe('U2eCBkvl-lpU3QEzHB24D3MWTg7pyK__AJrjkiETS4M');
  });

  it('changes with active time, and with a zero of the metrics it always hashed', () => {
    const before = rowsFingerprint([copilotRow()]);
    expect(rowsFingerprint([copilotRow({ active_seconds: 930 })])).not.toBe(before);
    expect(rowsFingerprint([copilotRow({ active_seconds: 931 })])).not.toBe(
      rowsFingerprint([copilotRow({ active_seconds: 930 })]),
    );
    // cost_cents: 0 was always hashed; leaving it out would be another row (and another fingerprint).
    const { cost_cents: _, ...withoutCost } = copilotRow().metrics;
    expect(
      rowsFingerprint([{ ...copilotRow(), metrics: withoutCost as DeveloperDayUsage['metrics'] }]),
    ).not.toBe(before);
  });

  it('leaves the rows it stores as they are: active_seconds 0 is kept in the row and its sums', () => {
    const rows = [copilotRow()];
    rowsFingerprint(rows);
    expect(rows[0]?.metrics.active_seconds).toBe(0);
    const replacement = dayReplacement({
      team_id: 't',
      integration_id: 'int_a',
      provider: 'github_copilot',
      sync_id: 's',
      date: '2026-11-20',
      rows: [
        copilotRow(),
        { ...copilotRow({ active_seconds: 60 }), developer: { key: 'github:7', kind: 'user' } },
      ],
      raw: {},
      attempts: 0,
      now: '2026-11-21T00:00:00.000Z',
    });
    expect(replacement.rows[0]?.metrics.active_seconds).toBe(0);
    expect(replacement.ledger.metrics?.active_seconds).toBe(60);
  });
});
