import { createHash } from 'node:crypto';
import { appendFileSync, cpSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { basename, join } from 'node:path';
import { inspect } from 'node:util';

/**
 * What the local run shows the outside world, kept for the test run's secret exposure check
 * (test/helpers/exposure-check.ts). Only when EXPOSURE_CAPTURE_DIR names a folder — the tests' global setup
 * sets it; `npm start` leaves it unset and none of this runs — the local gateway appends each answer and each
 * error it catches, the local queue each error a consumer throws (what the Lambda runtime would log), and a
 * process that asks its output and environment: one JSON line per record, one file per process, one folder
 * per place.
 */
export const EXPOSURE_CAPTURE_ENV = 'EXPOSURE_CAPTURE_DIR';

/** Where a provider key must never show. `files` holds folders the run wrote (sealed secrets, DynamoDB Local's). */
export const EXPOSURE_PLACES = ['logs', 'responses', 'items', 'errors', 'env', 'files'] as const;
export type ExposurePlace = (typeof EXPOSURE_PLACES)[number];
/** Not a place: the credentials the run sent to providers, which the check looks for besides its list. */
export const SENT_KEYS = 'sent-keys';
/** Shorter credentials are not registered (real keys are longer; a short one would match everywhere). */
const MIN_SENT_KEY_LENGTH = 16;

export interface ExposureCapture {
  readonly dir: string;
  /** Appends one record to this process's file of a place. */
  record(place: Exclude<ExposurePlace, 'files'> | typeof SENT_KEYS, entry: Record<string, unknown>): void;
  /** Records many entries of one place at once (one write: a table's page of items). */
  recordAll(place: Exclude<ExposurePlace, 'files'>, entries: readonly Record<string, unknown>[]): void;
  /** An error as a log would print it: message, stack, own fields, causes and aggregated errors. */
  error(source: string, error: unknown): void;
  /** Moves a folder the run wrote into `files/` instead of deleting it (it is removed with the capture). */
  keepFolder(path: string): void;
  /** The digest of a text this capture already holds, if it does; else it remembers this one. */
  seen(text: string): string | undefined;
}

export function exposureCapture(dir: string): ExposureCapture {
  const made = new Set<string>();
  const digests = new Set<string>();
  const folder = (place: ExposurePlace | typeof SENT_KEYS) => {
    const path = join(dir, place);
    if (!made.has(place)) mkdirSync(path, { recursive: true });
    made.add(place);
    return path;
  };
  const capture: ExposureCapture = {
    dir,
    record(place, entry) {
      appendFileSync(join(folder(place), `${process.pid}.jsonl`), `${JSON.stringify(entry)}\n`);
    },
    recordAll(place, entries) {
      if (entries.length === 0) return;
      const lines = entries.map((entry) => `${JSON.stringify(entry)}\n`).join('');
      appendFileSync(join(folder(place), `${process.pid}.jsonl`), lines);
    },
    error(source, error) {
      capture.record('errors', { source, error: inspect(error, { depth: 8, breakLength: Infinity }) });
    },
    keepFolder(path) {
      const target = join(folder('files'), `${process.pid}-${Date.now()}-${basename(path)}`);
      try {
        renameSync(path, target);
      } catch {
        // Another file system (EXDEV): copy, then remove.
        cpSync(path, target, { recursive: true });
        rmSync(path, { recursive: true, force: true });
      }
    },
    seen(text) {
      const digest = createHash('sha256').update(text).digest('base64url');
      if (digests.has(digest)) return digest;
      digests.add(digest);
      return undefined;
    },
  };
  return capture;
}

/** The capture this process was asked for, if any. */
export function exposureCaptureFromEnv(env: NodeJS.ProcessEnv = process.env): ExposureCapture | undefined {
  const dir = env[EXPOSURE_CAPTURE_ENV];
  return dir ? exposureCapture(dir) : undefined;
}

/**
 * Records every write to the given streams as a log line. With `show`, a write it returns false for is recorded
 * but not written (the tests keep Powertools' debug lines out of the terminal). Installs once per stream.
 */
export function teeOutput(
  capture: ExposureCapture,
  streams: { name: string; stream: NodeJS.WriteStream | NodeJS.WritableStream }[],
  show: (text: string) => boolean = () => true,
): void {
  const teed = Symbol.for('ai-usage.exposure-capture.teed');
  for (const { name, stream } of streams) {
    const target = stream as NodeJS.WritableStream & { [teed]?: boolean };
    if (target[teed]) continue;
    target[teed] = true;
    const write = target.write.bind(target) as (...args: unknown[]) => boolean;
    target.write = ((chunk: unknown, ...rest: unknown[]) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
      capture.record('logs', { stream: name, text });
      if (show(text)) return write(chunk, ...rest);
      const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
      if (callback) process.nextTick(callback);
      return true;
    }) as NodeJS.WritableStream['write'];
  }
}

/** Records this process's environment when it exits. */
export function recordEnvOnExit(capture: ExposureCapture, source: string): void {
  process.once('exit', () => capture.record('env', { source, pid: process.pid, env: { ...process.env } }));
}

/** An ingest token as POST /ingest-tokens answers it: the one answer allowed to hold one. */
const ISSUED_TOKEN = /"token":"(aiu_ingest_[A-Za-z0-9_-]{43})"/g;

/**
 * The answer that issues an ingest token shows it once, by design: the capture keeps that answer without the
 * token and registers the token as a key the check looks for everywhere else (logs, items, other answers).
 */
function withoutIssuedToken(capture: ExposureCapture, body: string): string {
  return body.replace(ISSUED_TOKEN, (_whole, token: string) => {
    capture.record(SENT_KEYS, { host: 'issued ingest token', key: token });
    return '"token":"<issued ingest token>"';
  });
}

/**
 * Records the answer (status, headers, body) of one request when it is sent; nothing of what was sent. A body this
 * capture already holds (the OpenAPI document, asked for a thousand times) is counted, not stored again.
 */
export function recordAnswer(
  capture: ExposureCapture,
  request: IncomingMessage,
  response: ServerResponse,
): void {
  const chunks: Buffer[] = [];
  const keep = (chunk: unknown) => {
    if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array));
  };
  // Headers given to writeHead are sent without entering getHeaders(): keep them as given.
  let head: unknown[] = [];
  const writeHead = response.writeHead.bind(response) as (...args: unknown[]) => ServerResponse;
  response.writeHead = ((...args: unknown[]) => {
    head = args.slice(1);
    return writeHead(...args);
  }) as ServerResponse['writeHead'];
  const write = response.write.bind(response) as (...args: unknown[]) => boolean;
  const end = response.end.bind(response) as (...args: unknown[]) => ServerResponse;
  response.write = ((chunk: unknown, ...rest: unknown[]) => {
    keep(chunk);
    return write(chunk, ...rest);
  }) as ServerResponse['write'];
  response.end = ((chunk?: unknown, ...rest: unknown[]) => {
    keep(chunk);
    return end(chunk, ...rest);
  }) as ServerResponse['end'];
  response.once('finish', () => {
    const body = withoutIssuedToken(capture, Buffer.concat(chunks).toString('utf8'));
    const same = capture.seen(body);
    capture.record('responses', {
      method: request.method,
      status: response.statusCode,
      headers: [response.getHeaders(), ...head],
      ...(same ? { body_as_before: same } : { body }),
    });
  });
}

/**
 * The functions themselves, or with a capture, each recording what it throws (as the Lambda runtime logs an
 * invocation's error) before throwing it on.
 */
export function recordingThrows<Run extends (...args: never[]) => Promise<unknown>>(
  functions: Record<string, Run>,
  what: string,
  capture: ExposureCapture | undefined = exposureCaptureFromEnv(),
): Record<string, Run> {
  if (!capture) return functions;
  const wrap = (name: string, run: Run) =>
    (async (...args: Parameters<Run>) => {
      try {
        return await run(...args);
      } catch (error) {
        capture.error(`${name} ${what}`, error);
        throw error;
      }
    }) as Run;
  return Object.fromEntries(Object.entries(functions).map(([name, run]) => [name, wrap(name, run)]));
}

/** The credentials a provider request carries: an x-api-key, a bearer token, both halves of HTTP Basic. */
function credentialsOf(headers: Headers): string[] {
  const found: string[] = [];
  const apiKey = headers.get('x-api-key');
  if (apiKey) found.push(apiKey);
  const [scheme, value] = (headers.get('authorization') ?? '').split(/\s+/, 2);
  if (value && /^basic$/i.test(scheme ?? ''))
    found.push(...Buffer.from(value, 'base64').toString('utf8').split(':'));
  else if (value) found.push(value);
  return found.filter((credential) => credential.length >= MIN_SENT_KEY_LENGTH);
}

/**
 * With a capture, the provider context's fetch also registers each credential it sends, so that the check looks
 * for every key a test had the pipeline use, listed or not. Without one, nothing changes.
 */
export function registeringSentKeys(
  fetchImpl: typeof fetch | undefined,
  capture: ExposureCapture | undefined = exposureCaptureFromEnv(),
): { fetch?: typeof fetch } {
  if (!capture) return {};
  const send = fetchImpl ?? globalThis.fetch.bind(globalThis);
  const registered = new Set<string>();
  return {
    fetch: (input, init) => {
      const headers = new Headers(input instanceof Request ? input.headers : undefined);
      new Headers(init?.headers).forEach((value, name) => headers.set(name, value));
      for (const key of credentialsOf(headers)) {
        if (registered.has(key)) continue;
        registered.add(key);
        capture.record(SENT_KEYS, { host: new URL(input instanceof Request ? input.url : input).host, key });
      }
      return send(input, init);
    },
  };
}
