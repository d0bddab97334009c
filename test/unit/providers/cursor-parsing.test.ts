import { exactCents, toMicroCents, wholeCents } from '../../../functions/domain/money';
import { dayBounds, describeCursorError, eventId } from '../../../functions/providers/cursor/client';
import { checkCursorKeyFormat } from '../../../functions/providers/cursor/key-format';
import { languageOf, normalizeCursorDay } from '../../../functions/providers/cursor/normalizer';
import { cursorUsageEventSchema } from '../../../functions/providers/cursor/schemas';

/** Cursor's documented records (provider-apis.md §3.3, §3.5) through key check, client helpers and normaliser. */
const documentedRow = {
  userId: 40117,
  day: '2026-05-06',
  date: 1778025600000,
  email: 'Dana@Example.org',
  isActive: true,
  totalLinesAdded: 820,
  totalLinesDeleted: 140,
  acceptedLinesAdded: 510,
  acceptedLinesDeleted: 90,
  totalApplies: 33,
  totalAccepts: 27,
  totalRejects: 6,
  totalTabsShown: 210,
  totalTabsAccepted: 150,
  composerRequests: 4,
  chatRequests: 19,
  agentRequests: 11,
  cmdkUsages: 7,
  subscriptionIncludedReqs: 38,
  apiKeyReqs: 0,
  usageBasedReqs: 3,
  bugbotUsages: 1,
  mostUsedModel: 'claude-4.5-sonnet',
  applyMostUsedExtension: '.ts',
  tabMostUsedExtension: '.tsx',
  clientVersion: '2.3.1',
};
const documentedEvent = {
  timestamp: '1778068800123',
  userEmail: 'dana@example.org',
  conversationId: '5d1e9a20-aa41-4c0e-9f3b-7a6b2c1d0e99',
  model: 'gpt-5',
  kind: 'Usage-based',
  maxMode: false,
  requestsCosts: 2,
  isTokenBasedCall: true,
  isChargeable: true,
  isHeadless: false,
  tokenUsage: {
    inputTokens: 4100,
    outputTokens: 720,
    cacheWriteTokens: 0,
    cacheReadTokens: 15800,
    totalCents: 3.41,
  },
  chargedCents: 4.59,
  cursorTokenFee: 1.18,
};
const idle = (email: string) => ({
  userId: 7,
  day: '2026-05-06',
  email,
  isActive: false,
  mostUsedModel: null,
  applyMostUsedExtension: null,
  tabMostUsedExtension: null,
  clientVersion: null,
});

describe('Cursor key format', () => {
  it.each([
    ['a current key', `crsr_${'a1B2'.repeat(16)}`, null],
    ['an older key_ key', `key_${'0f'.repeat(32)}`, null],
    ['a key with another plausible prefix', `team_${'x'.repeat(40)}`, null],
  ])('accepts %s', (_label, key, expected) => {
    expect(checkCursorKeyFormat(key)).toBe(expected);
  });

  it.each([
    ['a crsr_ key of the wrong length', `crsr_${'a'.repeat(10)}`, /"crsr_" followed by 64/],
    ['an Anthropic key', `sk-ant-admin01-${'a'.repeat(80)}`, /Anthropic key/],
    ['a GitHub token', `ghp_${'a'.repeat(36)}`, /GitHub token/],
    ['something short', 'abc', /does not look like a Cursor Admin API key/],
  ])('refuses %s, saying what to do, without repeating the key', (_label, key, message) => {
    const problem = checkCursorKeyFormat(key);
    expect(problem).toMatch(message);
    expect(problem).toMatch(/Admin API Keys/);
    expect(problem).not.toContain(key.trim());
  });

  it('refuses a key with spaces around it', () => {
    expect(checkCursorKeyFormat(` crsr_${'a'.repeat(64)}`)).toMatch(/spaces or line breaks/);
  });
});

describe('Cursor client helpers', () => {
  it('asks for whole UTC days in epoch milliseconds, both ends inclusive', () => {
    expect(dayBounds('2026-05-06')).toEqual({ startDate: 1778025600000, endDate: 1778111999999 });
    expect(dayBounds('2026-05-01', '2026-05-30').endDate - dayBounds('2026-05-01').startDate).toBe(
      30 * 86_400_000 - 1,
    );
  });

  it.each([
    [{ error: 'Unauthorized', message: 'Invalid API key' }, 'Unauthorized: Invalid API key'],
    [{ code: 'error', message: 'Organization not found' }, 'error: Organization not found'],
    [{ error: 'Not Found' }, 'Not Found'],
    [{ outcome: 'error', message: 'limit too low' }, 'error: limit too low'],
  ])('reads each of Cursor’s error shapes: %j', (body, expected) => {
    expect(describeCursorError(body)).toBe(expected);
  });

  it('identifies an event by its fields: the same event twice is one, a different timestamp is another', () => {
    const event = cursorUsageEventSchema.parse(documentedEvent);
    expect(eventId(cursorUsageEventSchema.parse({ ...documentedEvent }))).toBe(eventId(event));
    expect(
      eventId(cursorUsageEventSchema.parse({ ...documentedEvent, timestamp: '1778068800124' })),
    ).not.toBe(eventId(event));
  });
});

describe('exact cents', () => {
  it('sums fractional cents exactly and rounds once', () => {
    const micro = [0.4, 0.4, 0.3, 2450.125487].map(toMicroCents).reduce((a, b) => a + b, 0);
    expect(exactCents(micro)).toBe('2451.225487');
    expect(wholeCents(micro)).toBe(2451);
    expect(
      wholeCents(toMicroCents(0.4)) + wholeCents(toMicroCents(0.4)) + wholeCents(toMicroCents(0.3)),
    ).toBe(0);
    expect(wholeCents([0.4, 0.4, 0.3].map(toMicroCents).reduce((a, b) => a + b, 0))).toBe(1);
  });
});

describe('Cursor normaliser', () => {
  const [dana] = normalizeCursorDay({ rows: [documentedRow], events: [documentedEvent] }, '2026-05-06');

  it('maps the documented row: tabs are the suggestions, requests sum the four modes', () => {
    expect(dana?.developer).toEqual({
      key: 'email:dana@example.org',
      kind: 'user',
      email: 'dana@example.org',
    });
    expect(dana?.active).toBe(true);
    expect(dana?.metrics).toMatchObject({
      requests: 4 + 19 + 11 + 7,
      chat_turns: 4 + 19 + 11,
      suggestions_shown: 210,
      suggestions_accepted: 150,
      interactions: 41 + 210 + 27 + 6,
      lines_added: 510,
      lines_removed: 90,
      lines_accepted: 510,
      lines_suggested: 0,
      commits: 0,
    });
  });

  it('keeps edit decisions apart from tab acceptance, in extras', () => {
    expect(dana?.extras).toMatchObject({
      'edit.applies': 33,
      'edit.accepts': 27,
      'edit.rejects': 6,
      'lines.total_added': 820,
      'lines.total_deleted': 140,
      'requests.usage_based': 3,
      most_used_model: 'claude-4.5-sonnet',
      client_version: '2.3.1',
    });
  });

  it('takes tokens, cost (rounded once) and the model breakdown from the events', () => {
    expect(dana?.metrics).toMatchObject({
      tokens_input: 4100,
      tokens_output: 720,
      tokens_cache_read: 15800,
      tokens_cache_creation: 0,
      cost_cents: 5,
    });
    expect(dana?.extras).toMatchObject({ charged_cents: '4.59', usage_events: 1 });
    expect(dana?.breakdowns.models).toEqual({
      'gpt-5': {
        requests: 1,
        tokens_input: 4100,
        tokens_output: 720,
        tokens_cache_read: 15800,
        tokens_cache_creation: 0,
        cost_cents: 5,
      },
    });
  });

  it('names languages as other tools do, from the most-used extensions', () => {
    expect(dana?.breakdowns.languages).toEqual({
      typescriptreact: { suggestions_shown: 210, suggestions_accepted: 150 },
      typescript: { lines_accepted: 510 },
    });
    expect(languageOf('.Rs')).toBe('rust');
    expect(languageOf('.zig')).toBe('zig');
  });

  it('does not store idle members: they only prove the day was served', () => {
    expect(normalizeCursorDay({ rows: [idle('eve@example.org')], events: [] }, '2026-05-06')).toEqual([]);
  });

  it('gives events without an e-mail to the service account that made them', () => {
    const rows = normalizeCursorDay(
      {
        rows: [idle('eve@example.org')],
        events: [
          {
            ...documentedEvent,
            userEmail: undefined,
            serviceAccountId: 'sa_1',
            serviceAccountName: 'CI bot',
          },
        ],
      },
      '2026-05-06',
    );
    expect(rows.map((row) => [row.developer.key, row.developer.kind, row.metrics.cost_cents])).toEqual([
      ['cursor_service:sa_1', 'service', 5],
    ]);
  });

  it('refuses a row of another day rather than storing it under this one', () => {
    expect(() =>
      normalizeCursorDay({ rows: [{ ...documentedRow, day: '2026-05-07' }], events: [] }, '2026-05-06'),
    ).toThrow(/2026-05-07, expected 2026-05-06/);
  });
});
