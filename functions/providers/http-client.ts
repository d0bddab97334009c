import { ProviderResponseError } from '../domain/errors';
import type { ProviderContext } from './types';

/**
 * JSON over HTTP with the retry rules every provider client shares: 429 honours `retry-after`,
 * overload and server errors back off exponentially with full jitter, each request has a timeout, and a
 * checked answer (requestAnswer) that is not JSON is read again like a 5xx, one of another shape once more.
 * Written here rather than taken from a retry library because it must read provider-specific
 * rate-limit headers, classify errors for the sync ledger, and run on an injected clock in tests.
 */
export type ProviderErrorKind =
  'auth' | 'forbidden' | 'rate_limited' | 'unavailable' | 'client' | 'not_found';

export class ProviderHttpError extends Error {
  override name = 'ProviderHttpError';
  constructor(
    message: string,
    readonly kind: ProviderErrorKind,
    readonly status: number | 'network' | 'timeout',
    readonly attempts: number,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }

  /** Whether trying the same request later may succeed (used to decide SQS redelivery). */
  get retryable(): boolean {
    return this.kind === 'rate_limited' || this.kind === 'unavailable';
  }
}

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A retry-after longer than this is not waited for in-process; the error carries it instead. */
  maxRetryAfterSeconds: number;
  timeoutMs: number;
  retryStatuses: readonly number[];
  /**
   * Reads of a checked answer (requestAnswer) whose body is not JSON — cut short or damaged on the way — the
   * first included, each after the backoff of a 5xx.
   */
  maxDamagedBodyAttempts: number;
  /** Reads of a checked answer that is JSON of another shape, the first included: a schema does not fix itself. */
  maxMisshapenBodyAttempts: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 20_000,
  maxRetryAfterSeconds: 60,
  timeoutMs: 30_000,
  retryStatuses: [429, 500, 502, 503, 504, 529],
  maxDamagedBodyAttempts: 3,
  maxMisshapenBodyAttempts: 2,
};

export interface JsonResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

/** A checked answer: what the caller's `read` made of its body. */
export interface CheckedResponse<T> {
  status: number;
  headers: Headers;
  body: T;
}

export interface TextResponse {
  status: number;
  headers: Headers;
  text: string;
}

export interface RequestOptions {
  headers: Record<string, string>;
  policy?: Partial<RetryPolicy>;
  /** Extracts the provider's error message from an error body (never includes request headers). */
  describeError?: (body: unknown) => string | undefined;
  /** Provider-specific rate-limit wait in seconds, when the provider does not send retry-after. */
  rateLimitWaitSeconds?: (headers: Headers, now: Date) => number | undefined;
  /** Statuses the caller wants back as answers rather than errors (e.g. 204 or 404 with meaning). */
  acceptStatuses?: readonly number[];
  /**
   * Provider-specific reading of an error answer, e.g. GitHub's 403 that is a rate limit. Return
   * undefined to keep the default classification by status.
   */
  classify?: (status: number, headers: Headers, body: unknown) => ProviderErrorKind | undefined;
  /** Accept header; default application/json. */
  accept?: string;
  /** Default GET. */
  method?: 'GET' | 'POST';
  /** A JSON body (sent with content-type application/json). */
  json?: unknown;
  /**
   * Runs before every attempt, retries included: a provider with a strict request budget takes a slot from
   * its pacer here, so retries are paced like first calls.
   */
  beforeAttempt?: () => Promise<void>;
}

/** Parses a retry-after header: delta seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now: Date): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}

/** Full-jitter exponential backoff (AWS Architecture Blog), capped. */
export function backoffDelayMs(
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(random() * ceiling);
}

function classify(status: number): ProviderErrorKind {
  if (status === 401) return 'auth';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'unavailable';
  return 'client';
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text.slice(0, 500);
  }
}

/** A request with retries; answers JSON (text that is not JSON comes back as a string of at most 500 chars). */
export async function requestJson(
  ctx: ProviderContext,
  url: string,
  options: RequestOptions,
): Promise<JsonResponse> {
  return send(ctx, url, options, async (response) => ({
    status: response.status,
    headers: response.headers,
    body: await readBody(response),
  }));
}

/**
 * A request with retries whose answer is checked: a successful answer (2xx, not one of `acceptStatuses`) must
 * be JSON, which `read` turns into the caller's value (with readAnswer, which throws ProviderResponseError
 * when the JSON is of another shape); an accepted status reaches `read` as requestJson reads it. A body that
 * is not JSON (or breaks off) is asked again with the backoff of a 5xx, up to maxDamagedBodyAttempts reads; one
 * of another shape once more (maxMisshapenBodyAttempts). Then the ProviderResponseError is thrown, with its
 * reads. Every read counts toward maxAttempts too.
 */
export async function requestAnswer<T>(
  ctx: ProviderContext,
  url: string,
  options: RequestOptions,
  read: (body: unknown, status: number) => T,
): Promise<CheckedResponse<T>> {
  return send(ctx, url, options, async (response) => {
    const accepted = options.acceptStatuses?.includes(response.status) ?? false;
    if (accepted) {
      return {
        status: response.status,
        headers: response.headers,
        body: read(await readBody(response), response.status),
      };
    }
    let body: unknown;
    try {
      body = JSON.parse(await response.text()) as unknown;
    } catch {
      // Not JSON, empty, or the connection broke off while the body was read.
      throw new ProviderResponseError('not_json');
    }
    return { status: response.status, headers: response.headers, body: read(body, response.status) };
  });
}

/** A request with retries; answers the body as text, whole (for NDJSON files and other downloads). */
export async function requestText(
  ctx: ProviderContext,
  url: string,
  options: RequestOptions,
): Promise<TextResponse> {
  return send(ctx, url, options, async (response) => ({
    status: response.status,
    headers: response.headers,
    text: await response.text(),
  }));
}

async function send<T>(
  ctx: ProviderContext,
  url: string,
  options: RequestOptions,
  answer: (response: Response) => Promise<T>,
): Promise<T> {
  const policy = { ...defaultRetryPolicy, ...options.policy };
  const unreadable = { not_json: 0, unexpected_shape: 0 };
  for (let attempt = 1; ; attempt++) {
    await options.beforeAttempt?.();
    let response: Response;
    try {
      response = await ctx.fetch(url, {
        method: options.method ?? 'GET',
        headers: {
          'user-agent': ctx.userAgent,
          accept: options.accept ?? 'application/json',
          ...(options.json !== undefined ? { 'content-type': 'application/json' } : {}),
          ...options.headers,
        },
        ...(options.json !== undefined ? { body: JSON.stringify(options.json) } : {}),
        signal: AbortSignal.timeout(policy.timeoutMs),
      });
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      if (attempt >= policy.maxAttempts) {
        throw new ProviderHttpError(
          timedOut ? `no answer within ${policy.timeoutMs} ms` : 'could not reach the provider',
          'unavailable',
          timedOut ? 'timeout' : 'network',
          attempt,
        );
      }
      const delayMs = backoffDelayMs(attempt, policy);
      ctx.onRetry?.({ attempt, status: 'network', delayMs });
      await ctx.sleep(delayMs);
      continue;
    }

    if (response.ok || options.acceptStatuses?.includes(response.status)) {
      try {
        return await answer(response);
      } catch (error) {
        if (!(error instanceof ProviderResponseError)) throw error;
        const reads = ++unreadable[error.problem];
        const limit =
          error.problem === 'not_json' ? policy.maxDamagedBodyAttempts : policy.maxMisshapenBodyAttempts;
        error.reads = reads;
        if (reads >= limit || attempt >= policy.maxAttempts) throw error;
        const delayMs = backoffDelayMs(reads, policy);
        ctx.onRetry?.({ attempt, status: response.status, delayMs });
        await ctx.sleep(delayMs);
        continue;
      }
    }

    const body = await readBody(response);
    const kind = options.classify?.(response.status, response.headers, body) ?? classify(response.status);
    const now = ctx.now();
    // A provider's own rate-limit headers say how long to wait only when this is a rate limit; a 5xx
    // without retry-after backs off exponentially.
    const retryAfter =
      parseRetryAfter(response.headers.get('retry-after'), now) ??
      (kind === 'rate_limited' ? options.rateLimitWaitSeconds?.(response.headers, now) : undefined);
    const detail = options.describeError?.(body) ?? `HTTP ${response.status}`;
    const retryableStatus = policy.retryStatuses.includes(response.status) || kind === 'rate_limited';

    if (!retryableStatus || attempt >= policy.maxAttempts) {
      throw new ProviderHttpError(detail, kind, response.status, attempt, retryAfter);
    }
    if (retryAfter !== undefined && retryAfter > policy.maxRetryAfterSeconds) {
      // Waiting that long would burn the invocation; hand it back to the queue to retry later.
      throw new ProviderHttpError(detail, kind, response.status, attempt, retryAfter);
    }
    const delayMs =
      retryAfter !== undefined
        ? retryAfter * 1000 + Math.round(Math.random() * 250)
        : backoffDelayMs(attempt, policy);
    ctx.onRetry?.({ attempt, status: response.status, delayMs });
    await ctx.sleep(delayMs);
  }
}
