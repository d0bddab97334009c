/**
 * A metering proxy in front of DynamoDB Local: the benchmark points the SDK's endpoint at it, and it counts what
 * each request read off the wire — requests, items returned and response bytes — and keeps the requests so the
 * same reads can be replayed bare (the floor: the items alone, with no SDK, handler or gateway work around them).
 * It forwards every byte unchanged, so what is measured through it is what DynamoDB Local answered.
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  /** `DynamoDB_20120810.Query`, `…BatchGetItem`, … */
  target: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Items the answer held (Items, Responses, Item). */
  items: number;
  /** Bytes of the answer's body (DynamoDB JSON). */
  bytes: number;
}

export interface Meter {
  url: string;
  /** Starts recording (forgetting what was recorded before). */
  record(): void;
  /** Stops recording and returns what was recorded. */
  stop(): RecordedRequest[];
  /**
   * Sends recorded requests again straight to DynamoDB Local, as early as they could go: every read at once,
   * except the pages of one query, which follow each other (a page needs the previous one's last key).
   */
  replay(requests: readonly RecordedRequest[]): Promise<void>;
  close(): Promise<void>;
}

function itemsIn(body: Buffer): number {
  try {
    const answer = JSON.parse(body.toString('utf8')) as {
      Items?: unknown[];
      Item?: unknown;
      Responses?: Record<string, unknown[]>;
    };
    if (Array.isArray(answer.Items)) return answer.Items.length;
    if (answer.Responses) return Object.values(answer.Responses).reduce((sum, list) => sum + list.length, 0);
    return answer.Item ? 1 : 0;
  } catch {
    return 0;
  }
}

function send(
  target: URL,
  method: string,
  headers: IncomingHttpHeaders,
  body: Buffer,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      { hostname: target.hostname, port: target.port, path: '/', method, headers },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 500,
            headers: response.headers,
            body: Buffer.concat(chunks),
          }),
        );
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

export async function startMeter(endpoint: string): Promise<Meter> {
  const target = new URL(endpoint);
  let recording: RecordedRequest[] | undefined;
  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      send(target, incoming.method ?? 'POST', incoming.headers, body).then(
        (answer) => {
          recording?.push({
            target: String(incoming.headers['x-amz-target'] ?? ''),
            headers: incoming.headers,
            body,
            items: itemsIn(answer.body),
            bytes: answer.body.length,
          });
          outgoing.writeHead(answer.status, answer.headers);
          outgoing.end(answer.body);
        },
        (error: Error) => {
          outgoing.writeHead(502);
          outgoing.end(error.message);
        },
      );
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    record: () => {
      recording = [];
    },
    stop: () => {
      const recorded = recording ?? [];
      recording = undefined;
      return recorded;
    },
    replay: async (requests) => {
      const chains = new Map<string, RecordedRequest[]>();
      for (const request of requests) {
        const { ExclusiveStartKey: _page, ...query } = JSON.parse(request.body.toString('utf8')) as Record<
          string,
          unknown
        >;
        const chain = `${request.target}|${JSON.stringify(query)}`;
        chains.set(chain, [...(chains.get(chain) ?? []), request]);
      }
      await Promise.all(
        [...chains.values()].map(async (pages) => {
          for (const page of pages)
            await send(target, 'POST', { ...page.headers, host: target.host }, page.body);
        }),
      );
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
