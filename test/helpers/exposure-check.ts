import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EXPOSURE_CAPTURE_ENV, SENT_KEYS, exposureCapture } from '../../local/exposure-capture';
import { keyShapedTokens, scanCapture, summaryLine, type ScanResult } from './exposure-scan';
import { TEST_KEYS } from './provider-keys';
import { listTables, recordTableItems } from './test-tables';

/**
 * The secret exposure check of a test run: the global setup starts a capture folder (every process of the run
 * writes what it shows there, see local/exposure-capture.ts and exposure-environment.ts); the global teardown
 * keeps the items of the tables still in DynamoDB Local and its own environment, reads everything for the
 * listed test keys (provider-keys.ts) and any key-shaped token, prints one line and fails the run on a finding.
 */
export interface ExposureRun {
  dir: string;
  /** Whether the run made the folder (and removes it when nothing is found). */
  own: boolean;
  /** Key-shaped tokens in the environment the run started with: not the tests' doing, so not reported. */
  inherited: Set<string>;
}

export function startExposureCapture(): ExposureRun {
  const inherited = new Set(keyShapedTokens(JSON.stringify(process.env)));
  const given = process.env[EXPOSURE_CAPTURE_ENV];
  const dir = given ?? mkdtempSync(join(tmpdir(), 'ai-usage-exposure-'));
  process.env[EXPOSURE_CAPTURE_ENV] = dir;
  return { dir, own: !given, inherited };
}

const MAX_LISTED = 30;

/** The credentials the run's pipelines sent to providers (registered by the provider context's fetch). */
function sentKeys(dir: string): string[] {
  const folder = join(dir, SENT_KEYS);
  if (!existsSync(folder)) return [];
  return readdirSync(folder).flatMap((file) =>
    readFileSync(join(folder, file), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => (JSON.parse(line) as { key: string }).key),
  );
}

/** Returns the error that fails the run, if anything was found. */
export async function finishExposureCheck(
  run: ExposureRun,
  dynamoEndpoint: string | undefined,
  print: (line: string) => void = console.log,
): Promise<{ result: ScanResult; failure?: Error }> {
  const started = Date.now();
  const capture = exposureCapture(run.dir);
  // Tables it cannot read (DynamoDB Local gone) are not proven clean: the check says so and fails, after reading
  // the rest.
  let unread: string | undefined;
  if (dynamoEndpoint) {
    const dynamo = new DynamoDBClient({
      endpoint: dynamoEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    try {
      for (const table of await listTables(dynamo)) await recordTableItems(dynamo, table, capture);
    } catch (error) {
      unread = `the tables left in DynamoDB Local could not be read (${(error as Error).message})`;
    } finally {
      dynamo.destroy();
    }
  }
  capture.record('env', { source: 'jest', pid: process.pid, env: { ...process.env } });
  const listed = Object.entries(TEST_KEYS).map(([name, key]) => ({ name, key }));
  const known = new Set(listed.map(({ key }) => key));
  const sent = [...new Set(sentKeys(run.dir))].filter((key) => !known.has(key));
  const keys = [
    ...listed,
    ...sent.map((key, i) => ({ name: `unlisted key ${i + 1} the pipeline sent`, key })),
  ];
  const result = scanCapture(run.dir, keys, { ignore: run.inherited });
  // Its own time: the tables left at the end and the reading (tables dropped earlier were read as they went).
  print(`${summaryLine(result)} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  if (unread) print(`secret exposure check: ${unread}`);
  if (result.findings.length === 0 && !unread) {
    if (run.own) rmSync(run.dir, { recursive: true, force: true });
    return { result };
  }
  const lines = result.findings
    .slice(0, MAX_LISTED)
    .map((finding) => `  ${finding.what} in ${finding.place}: ${finding.file}:${finding.line}`);
  if (result.findings.length > MAX_LISTED) lines.push(`  … and ${result.findings.length - MAX_LISTED} more`);
  if (unread) lines.push(`  ${unread}`);
  const failure = new Error(
    `${result.findings.length ? 'a provider key was found where none may be' : 'the check is incomplete'} ` +
      `(the capture is kept in ${run.dir}):\n${lines.join('\n')}`,
  );
  return { result, failure };
}
