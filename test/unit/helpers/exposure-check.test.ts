import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { BatchWriteItemCommand } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  EXPOSURE_PLACES,
  exposureCapture,
  recordAnswer,
  registeringSentKeys,
  teeOutput,
  type ExposureCapture,
} from '../../../local/exposure-capture';
import { LocalSecretStore } from '../../../local/local-secret-store';
import { finishExposureCheck } from '../../helpers/exposure-check';
import {
  FRAGMENT_LENGTH,
  keyShapedTokens,
  scanCapture,
  summaryLine,
  type ListedKey,
} from '../../helpers/exposure-scan';
import { recordItemWrites } from '../../helpers/item-writes';
import { TEST_KEYS, type TestKeyName } from '../../helpers/provider-keys';

/**
 * The secret exposure check cannot pass by not looking: a key planted in each place, a part of one, its base64
 * form and an unlisted key-shaped token are each found and named; a sealed key and a clean capture are not.
 * Everything is planted in a folder of its own, never in the run's capture.
 */
const LISTED: ListedKey[] = Object.entries(TEST_KEYS).map(([name, key]) => ({ name, key }));

describe('secret exposure check', () => {
  let dir: string;
  let capture: ExposureCapture;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ai-usage-exposure-test-'));
    capture = exposureCapture(dir);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const found = () => scanCapture(dir, LISTED).findings.map(({ place, what }) => `${place}: ${what}`);
  const whole = (name: TestKeyName) => `${name} (whole)`;

  it('finds a listed key in each place: logs, responses, items, errors, environment and files', () => {
    const stdout = new PassThrough();
    let shown = '';
    stdout.on('data', (chunk: Buffer) => (shown += chunk.toString()));
    teeOutput(capture, [{ name: 'stdout', stream: stdout }], (text) => !text.startsWith('{'));
    // A Powertools line kept out of the terminal is recorded all the same.
    stdout.write(
      `${JSON.stringify({ level: 'DEBUG', message: 'calling', apiKey: TEST_KEYS.anthropicDemo })}\n`,
    );
    stdout.write('a plain line\n');
    capture.record('responses', {
      status: 422,
      body: JSON.stringify({ detail: `bad ${TEST_KEYS.githubDemo}` }),
    });
    capture.record('items', { table: 't-integrations', item: { pk: 'TEAM#a', note: TEST_KEYS.cursorDemo } });
    // Only in a cause: an error is read as a log prints it, causes included.
    capture.error('queue consumer', new Error('sync failed', { cause: new Error(TEST_KEYS.cursorRotated) }));
    capture.record('env', { source: 'a test file', env: { LEAKED: TEST_KEYS.anthropicOtherAdmin } });
    const data = join(dir, 'data-folder');
    mkdirSync(data);
    writeFileSync(join(data, 'notes.txt'), `key=${TEST_KEYS.githubNoPermission}`);
    capture.keepFolder(data);

    expect(shown).toBe('a plain line\n');
    expect(found().sort()).toEqual(
      [
        `logs: ${whole('anthropicDemo')}`,
        `responses: ${whole('githubDemo')}`,
        `items: ${whole('cursorDemo')}`,
        `errors: ${whole('cursorRotated')}`,
        `env: ${whole('anthropicOtherAdmin')}`,
        `files: ${whole('githubNoPermission')}`,
      ].sort(),
    );
  });

  it('records what the local gateway answers, headers included, and a body it already holds only once', async () => {
    const answer = async (status: number, headers: Record<string, string>, body: string) => {
      const request = new IncomingMessage(new Socket());
      request.method = 'POST';
      const response = new ServerResponse(request);
      const socket = new PassThrough().resume();
      response.assignSocket(socket as unknown as Socket);
      recordAnswer(capture, request, response);
      const finished = new Promise((resolve) => response.once('finish', resolve));
      response.writeHead(status, headers);
      response.end(body);
      await finished;
    };
    const document = JSON.stringify({ openapi: '3.1.0', paths: {} });
    await answer(200, { 'content-type': 'application/json' }, document);
    await answer(200, { 'content-type': 'application/json' }, document);
    await answer(302, { location: `/connect?key=${TEST_KEYS.cursorUnknown}` }, '');
    await answer(
      422,
      { 'content-type': 'application/problem+json' },
      `{"detail":"${TEST_KEYS.githubUnknown}"}`,
    );
    const result = scanCapture(dir, LISTED);
    expect(result.counts.responses).toBe(4);
    expect(result.findings.map(({ place, what }) => `${place}: ${what}`).sort()).toEqual(
      [`responses: ${whole('cursorUnknown')}`, `responses: ${whole('githubUnknown')}`].sort(),
    );
    const records = readFileSync(join(dir, 'responses', `${process.pid}.jsonl`), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { body?: string; body_as_before?: string });
    expect(records.filter((record) => record.body === document)).toHaveLength(1);
    expect(records.filter((record) => record.body_as_before)).toHaveLength(1);
  });

  it('keeps each item a write carries, a key inside a gzip-compressed block included', () => {
    recordItemWrites(
      capture,
      new PutCommand({ TableName: 't-Integrations', Item: { pk: 'A', note: 'clean' } }),
    );
    recordItemWrites(
      capture,
      new BatchWriteItemCommand({
        RequestItems: {
          't-Usage': [
            {
              PutRequest: {
                Item: { pk: { S: 'B' }, blob: { B: gzipSync(`{"k":"${TEST_KEYS.cursorUnknown}"}`) } },
              },
            },
            { PutRequest: { Item: { pk: { S: 'C' } } } },
            { DeleteRequest: { Key: { pk: { S: 'D' } } } },
          ],
        },
      }),
    );
    recordItemWrites(
      capture,
      new UpdateCommand({
        TableName: 't-Integrations',
        Key: { pk: 'E' },
        UpdateExpression: 'SET note = :note',
        ExpressionAttributeValues: { ':note': `pasted ${TEST_KEYS.githubUnknown}` },
      }),
    );
    recordItemWrites(
      capture,
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: 't-Usage', Item: { pk: 'F', raw: Buffer.from(TEST_KEYS.anthropicScoped) } } },
        ],
      }),
    );
    recordItemWrites(capture, new DeleteCommand({ TableName: 't-Usage', Key: { pk: 'G' } }));

    const result = scanCapture(dir, LISTED);
    expect(result.counts.items).toBe(5);
    expect(found().sort()).toEqual(
      [
        `items: ${whole('cursorUnknown')}`,
        `items: ${whole('githubUnknown')}`,
        `items: ${whole('anthropicScoped')}`,
      ].sort(),
    );
  });

  it(`finds any ${FRAGMENT_LENGTH} characters of a key's secret part, and its base64 form; not ${FRAGMENT_LENGTH - 1}`, () => {
    const rotated = TEST_KEYS.cursorRotated;
    capture.record('logs', { text: `key ending …${rotated.slice(-24)}` });
    capture.record('items', { item: { hint: rotated.slice(20, 20 + FRAGMENT_LENGTH) } });
    capture.record('responses', {
      body: `start ${TEST_KEYS.anthropicOtherAdmin.slice(0, 15 + FRAGMENT_LENGTH)}…`,
    });
    // Cursor's HTTP Basic header: base64 of "key:", as a log of request headers would show it.
    const basic = Buffer.from(`${TEST_KEYS.cursorDemo}:`).toString('base64');
    capture.record('errors', { error: `request failed, headers {"authorization":"Basic ${basic}"}` });
    // The same key at another byte offset of a base64 stream.
    capture.record('env', { env: { BLOB: Buffer.from(`xy${TEST_KEYS.githubDemo}`).toString('base64') } });
    capture.record('logs', {
      text: `too short to tell ${TEST_KEYS.githubUnknown.slice(4, 4 + FRAGMENT_LENGTH - 1)}`,
    });

    expect(found().sort()).toEqual(
      [
        `logs: cursorRotated (${FRAGMENT_LENGTH} characters of it)`,
        `items: cursorRotated (${FRAGMENT_LENGTH} characters of it)`,
        `responses: anthropicOtherAdmin (${FRAGMENT_LENGTH} characters of it)`,
        'errors: cursorDemo (base64-encoded)',
        'env: githubDemo (base64-encoded)',
      ].sort(),
    );
  });

  it('finds a key-shaped token that is not listed, unless the run inherited it from its environment', () => {
    const unlisted = 'ghp_' + 'NotInTheListButShapedLikeOne' + 'k2M7q9R4';
    capture.record('logs', { text: `token ${unlisted}` });
    expect(found()).toEqual([`logs: an unlisted GitHub token (${unlisted.length} characters)`]);
    expect(scanCapture(dir, LISTED, { ignore: new Set([unlisted]) }).findings).toEqual([]);
  });

  it('matches a key shorter than a fragment only as a token of its own', () => {
    capture.record('responses', { body: `{"api_key":"${TEST_KEYS.githubMalformed}yz"}` });
    expect(found()).toEqual([]);
    capture.record('responses', { body: `{"api_key":"${TEST_KEYS.githubMalformed}"}` });
    expect(found()).toEqual([`responses: ${whole('githubMalformed')}`]);
  });

  it('does not count a key sealed in the local secret store, nor plain lookalikes', async () => {
    const data = join(dir, 'local-run');
    const store = new LocalSecretStore(join(data, 'secret-store.key'), join(data, 'secrets.json'));
    await store.save({ teamId: 't1', integrationId: 'int_1', provider: 'cursor' }, TEST_KEYS.cursorDemo);
    capture.keepFolder(data);
    capture.record('items', { item: { note: '0'.repeat(64), other: 'aB3'.repeat(20) } });
    capture.record('logs', { text: 'Admin API key (sk-ant-admin01-…), Token (github_pat_… or ghp_…)' });
    const result = scanCapture(dir, LISTED);
    expect(result.findings).toEqual([]);
    expect(result.counts).toMatchObject({ items: 1, logs: 1, files: 2 });
  });

  it('prints one line with its counts and fails the run on a finding, naming it but never the key', async () => {
    for (const place of EXPOSURE_PLACES.filter((place) => place !== 'files'))
      capture.record(place, { text: `nothing secret in ${place}` });
    const printed: string[] = [];
    const run = { dir, own: false, inherited: new Set(keyShapedTokens(JSON.stringify(process.env))) };
    const clean = finishExposureCheck(run, (line) => printed.push(line));
    expect(clean.failure).toBeUndefined();
    expect(printed[0]).toMatch(
      /^secret exposure check: \d+ keys × 6 places \(1 log lines, 1 responses, 1 items, 1 errors, 2 environments, 0 files; [\d.]+ MB\): 0 found \([\d.]+ s\)$/,
    );

    // A key the pipeline sent to a provider is looked for too, though no list names it.
    const sent: string[] = [];
    const unlisted = 'crsr_' + 'SentByThePipelineNotListed' + 'r4T8y1U6i3O9p2A5s7D0f3G6h9J2k5L8';
    const { fetch } = registeringSentKeys(async (input) => {
      sent.push(String(input));
      return new Response('{}');
    }, capture);
    await fetch?.('http://127.0.0.1:9/teams/members', {
      headers: { authorization: `Basic ${Buffer.from(`${unlisted}:`).toString('base64')}` },
    });
    expect(sent).toEqual(['http://127.0.0.1:9/teams/members']);
    capture.record('logs', { text: `request to Cursor with ${unlisted.slice(-30)}` });
    const failed = finishExposureCheck(run, (line) => printed.push(line));
    expect(printed[1]).toMatch(/: 1 found/);
    expect(failed.failure?.message).toMatch(
      /unlisted key 1 the pipeline sent \(16 characters of it\) in logs: logs\/\d+\.jsonl:\d+/,
    );
    expect(failed.failure?.message).not.toContain(unlisted.slice(-30, -14));
    expect(readdirSync(dir)).toContain('sent-keys');
    expect(summaryLine(failed.result)).toMatch(/: 1 found$/);
  });
});
