import { z } from 'zod';
import { ProviderResponseError } from '../../../functions/domain/errors';
import { readAnswer } from '../../../functions/providers/answers';
import {
  backoffDelayMs,
  defaultRetryPolicy,
  parseRetryAfter,
  requestAnswer,
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

describe('provider HTTP client: answers it cannot read', () => {
  const page = z.object({ data: z.array(z.object({ date: z.string() })) });
  const read = (body: unknown) => readAnswer(page, body);
  const text = (body: string) => () => new Response(body, { status: 200 });
  const notJson = text('{ this is not json, "data": [] }');
  const cutShort = text('{"data":[{"date":"2026-06');
  const misshapen = jsonResponse(200, { data: [{ date: 20260615 }] });
  const good = jsonResponse(200, { data: [{ date: '2026-06-15' }] });
  const failureOf = (promise: Promise<unknown>) =>
    promise.then(
      () => {
        throw new Error('expected a ProviderResponseError');
      },
      (error: unknown) => {
        expect(error).toBeInstanceOf(ProviderResponseError);
        return error as ProviderResponseError;
      },
    );

  it('asks again, after the backoff of a 5xx, when a body is not JSON or breaks off, then reads the answer', async () => {
    const { ctx, sleeps, calls } = context([notJson, cutShort, good]);
    const response = await requestAnswer(ctx, 'http://provider.test/x', { headers: {} }, read);
    expect(response.body).toEqual({ data: [{ date: '2026-06-15' }] });
    expect(calls()).toBe(3);
    expect(sleeps).toHaveLength(2);
    sleeps.forEach((ms, index) =>
      expect(ms).toBeLessThanOrEqual(defaultRetryPolicy.baseDelayMs * 2 ** index),
    );
  });

  it('gives up on a body that stays damaged after maxDamagedBodyAttempts reads', async () => {
    const { ctx, sleeps, calls } = context([notJson]);
    const error = await failureOf(requestAnswer(ctx, 'http://provider.test/x', { headers: {} }, read));
    expect(error).toMatchObject({ problem: 'not_json', reads: defaultRetryPolicy.maxDamagedBodyAttempts });
    expect(calls()).toBe(3);
    expect(sleeps).toHaveLength(2);
  });

  it('takes an empty body for a damaged one', async () => {
    const { ctx, calls } = context([text(''), good]);
    await expect(requestAnswer(ctx, 'http://provider.test/x', { headers: {} }, read)).resolves.toMatchObject({
      status: 200,
    });
    expect(calls()).toBe(2);
  });

  it('asks once more for JSON of another shape, and no more: a schema does not fix itself', async () => {
    const once = context([misshapen, good]);
    await expect(
      requestAnswer(once.ctx, 'http://provider.test/x', { headers: {} }, read),
    ).resolves.toMatchObject({
      body: { data: [{ date: '2026-06-15' }] },
    });
    expect(once.calls()).toBe(2);

    const always = context([misshapen]);
    const error = await failureOf(requestAnswer(always.ctx, 'http://provider.test/x', { headers: {} }, read));
    expect(error).toMatchObject({
      problem: 'unexpected_shape',
      reads: 2,
      issues: [{ where: 'at data[0].date', rule: 'expected string, received number' }],
    });
    expect(always.calls()).toBe(defaultRetryPolicy.maxMisshapenBodyAttempts);
  });

  it('counts every read toward maxAttempts, with 5xx answers between them', async () => {
    const { ctx, calls } = context([jsonResponse(503, {}), notJson, jsonResponse(502, {}), notJson]);
    const error = await failureOf(
      requestAnswer(ctx, 'http://provider.test/x', { headers: {}, policy: { maxAttempts: 4 } }, read),
    );
    expect(error).toMatchObject({ problem: 'not_json', reads: 2 });
    expect(calls()).toBe(4);
  });

  it('hands statuses it accepts to read as they came, unchecked as JSON', async () => {
    const { ctx, calls } = context([() => new Response(null, { status: 204 })]);
    const response = await requestAnswer(
      ctx,
      'http://provider.test/x',
      { headers: {}, acceptStatuses: [204] },
      (body, status) => ({ body, status }),
    );
    expect(response.body).toEqual({ body: null, status: 204 });
    expect(calls()).toBe(1);
  });

  it('lets other errors of read through at once', async () => {
    const { ctx, calls } = context([good]);
    const broken = () => {
      throw new ProviderHttpError('has_more without next_page', 'client', 200, 1);
    };
    await expect(requestAnswer(ctx, 'http://provider.test/x', { headers: {} }, broken)).rejects.toThrow(
      'has_more without next_page',
    );
    expect(calls()).toBe(1);
  });
});
