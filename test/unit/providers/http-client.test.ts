import {
  backoffDelayMs,
  defaultRetryPolicy,
  parseRetryAfter,
  requestJson,
  ProviderHttpError,
} from '../../../functions/providers/http-client';
import type { ProviderContext } from '../../../functions/providers/types';

function context(responses: (() => Response)[]): {
  ctx: ProviderContext;
  sleeps: number[];
  calls: () => number;
} {
  const sleeps: number[] = [];
  let call = 0;
  const ctx: ProviderContext = {
    baseUrl: 'http://provider.test',
    fetch: async () => {
      const next = responses[Math.min(call, responses.length - 1)] as () => Response;
      call++;
      return next();
    },
    sleep: async (ms) => void sleeps.push(ms),
    now: () => new Date('2026-01-01T00:00:00Z'),
    userAgent: 'test',
  };
  return { ctx, sleeps, calls: () => call };
}

const jsonResponse =
  (status: number, body: unknown, headers: Record<string, string> = {}) =>
  () =>
    new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json', ...headers },
    });

describe('provider HTTP client', () => {
  it('honours retry-after on 429, then returns the answer', async () => {
    const { ctx, sleeps, calls } = context([
      jsonResponse(429, {}, { 'retry-after': '3' }),
      jsonResponse(200, { ok: true }),
    ]);
    const response = await requestJson(ctx, 'http://provider.test/x', { headers: {} });
    expect(response.body).toEqual({ ok: true });
    expect(calls()).toBe(2);
    expect(sleeps[0]).toBeGreaterThanOrEqual(3000);
    expect(sleeps[0]).toBeLessThan(3300);
  });

  it('retries 529 and 5xx with growing, jittered backoff up to the attempt limit', async () => {
    const { ctx, sleeps, calls } = context([jsonResponse(529, { error: 'overloaded' })]);
    const error = await requestJson(ctx, 'http://provider.test/x', {
      headers: {},
      policy: { maxAttempts: 4 },
      describeError: () => 'overloaded_error: busy',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderHttpError);
    expect(error).toMatchObject({
      kind: 'unavailable',
      status: 529,
      attempts: 4,
      retryable: true,
      message: 'overloaded_error: busy',
    });
    expect(calls()).toBe(4);
    expect(sleeps).toHaveLength(3);
  });

  it('does not retry 401 or 403', async () => {
    for (const status of [401, 403]) {
      const { ctx, calls } = context([jsonResponse(status, {})]);
      const error = await requestJson(ctx, 'http://provider.test/x', { headers: {} }).catch(
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ kind: status === 401 ? 'auth' : 'forbidden', retryable: false });
      expect(calls()).toBe(1);
    }
  });

  it('hands a retry-after beyond the limit back to the caller instead of sleeping through it', async () => {
    const { ctx, sleeps } = context([jsonResponse(429, {}, { 'retry-after': '900' })]);
    const error = await requestJson(ctx, 'http://provider.test/x', { headers: {} }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'rate_limited', retryAfterSeconds: 900, attempts: 1 });
    expect(sleeps).toHaveLength(0);
  });

  it('retries network failures', async () => {
    const { ctx, calls } = context([
      () => {
        throw new TypeError('fetch failed');
      },
      jsonResponse(200, { fine: 1 }),
    ]);
    await expect(requestJson(ctx, 'http://provider.test/x', { headers: {} })).resolves.toMatchObject({
      status: 200,
    });
    expect(calls()).toBe(2);
  });

  it('parses retry-after as seconds or as an HTTP date', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });

  it('keeps backoff within the exponential ceiling', () => {
    expect(backoffDelayMs(1, defaultRetryPolicy, () => 0.999)).toBeLessThanOrEqual(
      defaultRetryPolicy.baseDelayMs,
    );
    expect(backoffDelayMs(4, defaultRetryPolicy, () => 1)).toBe(defaultRetryPolicy.baseDelayMs * 8);
    expect(backoffDelayMs(30, defaultRetryPolicy, () => 1)).toBe(defaultRetryPolicy.maxDelayMs);
  });
});
