import { CheckFailed } from './step';

/** An HTTP answer as the checks need it: status, content type, and the body parsed when it is JSON. */
export interface HttpAnswer {
  status: number;
  contentType: string;
  /** The parsed JSON body, or undefined when the body is not JSON. */
  json: unknown;
  text: string;
}

const TIMEOUT_MS = 30_000;
const SNIPPET = 300;

/** Calls `{apiUrl}{path}`; a network failure is a CheckFailed naming the URL. */
export async function call(
  fetchImpl: typeof fetch,
  apiUrl: string,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  options: { token?: string; body?: unknown } = {},
): Promise<HttpAnswer> {
  const url = `${apiUrl.replace(/\/+$/, '')}${path}`;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetchImpl(url, {
      method,
      headers,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new CheckFailed(`${method} ${url} did not answer: ${reason}`);
  }
  const text = await response.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : (JSON.parse(text) as unknown);
  } catch {
    json = undefined;
  }
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', json, text };
}

/** "201 application/json {…}" for the seen column, the body cut short. */
export function describeAnswer(answer: HttpAnswer): string {
  const body = answer.text.replace(/\s+/g, ' ').trim();
  const snippet = body.length > SNIPPET ? `${body.slice(0, SNIPPET)}…` : body;
  return [String(answer.status), answer.contentType || '(no content type)', snippet || '(empty body)'].join(
    ' ',
  );
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
