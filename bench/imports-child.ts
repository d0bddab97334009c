/**
 * One measurement of benchmark 8 in a process of its own, so that its peak memory (the process's maximum
 * resident set) is its own: `idle` (a process that loads the same modules and does nothing), `stream` (read and
 * check the file streamed record by record: this design), `whole` (read the file into a string and parse it at
 * once: the baseline), `import` (the whole import as an admin runs it, on its own local S3 server, API and worker).
 * Prints one JSON line: { ms, max_rss_mb, rows, state? }.
 */
import { createReadStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { parse } from 'csv-parse/sync';
import { csvLines } from '../functions/adapters/imports/csv-lines';
import { ImportReader } from '../functions/domain/imports';
import { API_BASE_PATH } from '../functions/routes';
import { startLocalApi } from '../local/api-server';
import { ensureTables } from '../local/create-tables';
import { createVerifier, issueToken, loadOrCreateSigningKeys } from '../local/jwt';
import { createLocalRuntime } from '../local/runtime';
import { startLocalS3 } from '../local/s3-local';

const [mode, file, now] = process.argv.slice(2) as [string, string, string];
const today = now.slice(0, 10);
const context = { tool: 'benchtool', today, method: 'csv' as const, import_id: 'bench' };
const maxRssMb = () => process.resourceUsage().maxRSS / 1024;

async function streamed(): Promise<number> {
  const reader = new ImportReader(context);
  let header: string[] | undefined;
  for await (const { line, values } of csvLines(createReadStream(file))) {
    if (!header) {
      header = values;
      reader.header(header);
    } else reader.row(line, Object.fromEntries(header.map((column, index) => [column, values[index]])));
  }
  return reader.result().rows;
}

async function whole(): Promise<number> {
  const [header, ...records] = parse(readFileSync(file, 'utf8')) as string[][];
  const reader = new ImportReader(context);
  reader.header(header as string[]);
  records.forEach((values, index) =>
    reader.row(index + 2, Object.fromEntries((header as string[]).map((column, i) => [column, values[i]]))),
  );
  return reader.result().rows;
}

async function imported(): Promise<{ rows: number; state: string; ms: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ai-usage-bench-import-'));
  const s3 = await startLocalS3(join(dataDir, 's3'));
  const client = new DynamoDBClient({});
  const tableNames = await ensureTables(client, 'bench-imports-');
  const clock = { now: () => new Date(now) };
  const runtime = createLocalRuntime({ s3, tableNames, dataDir, providerEnv: {}, clock });
  const keys = await loadOrCreateSigningKeys(join(dataDir, 'jwt.json'));
  const api = await startLocalApi({ handlers: runtime.http, verify: createVerifier(keys), port: 0 });
  const base = `${api.url}${API_BASE_PATH}`;
  const headers = {
    authorization: `Bearer ${await issueToken(keys, { teamId: 'bench-imports', role: 'admin' })}`,
    'content-type': 'application/json',
  };
  try {
    const began = performance.now();
    const started = (await (
      await fetch(`${base}/imports`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ tool: 'benchtool', display_name: 'Bench tool' }),
      })
    ).json()) as { import: { import_id: string }; upload: { url: string; headers: Record<string, string> } };
    const put = await fetch(started.upload.url, {
      method: 'PUT',
      headers: started.upload.headers,
      body: readFileSync(file),
    });
    if (!put.ok) throw new Error(`upload failed: ${put.status}`);
    await runtime.queue.drain();
    const done = (await (await fetch(`${base}/imports/${started.import.import_id}`, { headers })).json()) as {
      state: string;
      rows: number;
    };
    return { ...done, ms: performance.now() - began };
  } finally {
    runtime.close();
    await api.close();
    await s3.close();
    client.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const began = performance.now();
if (mode === 'import') {
  const result = await imported();
  console.log(JSON.stringify({ ...result, max_rss_mb: maxRssMb() }));
} else {
  const rows = mode === 'stream' ? await streamed() : mode === 'whole' ? await whole() : 0;
  console.log(JSON.stringify({ ms: performance.now() - began, rows, max_rss_mb: maxRssMb() }));
}
