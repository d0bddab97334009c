import { FullBatchFailureError } from '@aws-lambda-powertools/batch';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { SyncJob } from '../../../functions/domain/model';
import { ProviderCallError } from '../../../functions/domain/provider';
import { createFetcherHandler, type FetcherOptions } from '../../../functions/handlers/fetcher';
import { lambdaContext } from '../../../local/lambda-context';
import {
  catalogOf,
  fixedClock,
  integrationRecord,
  MemoryAttributionQueue,
  MemoryAttributionStore,
  MemoryIntegrations,
  MemoryRoster,
  MemorySecrets,
  MemoryUsage,
  memoryLog,
  scriptedProvider,
} from '../../helpers/memory-ports';

/**
 * The fetcher knows a job's last allowed receive from its queue's maxReceiveCount and the record's
 * ApproximateReceiveCount: only a failure on that receive is recorded on the integration (before SQS moves the
 * message to the dead-letter queue), and the queue still sees the failure. In-memory ports, SQS records as Lambda
 * gets them.
 */
const DAY = '2026-06-14';
const MAX_RECEIVES = 3;

async function setup(options: Partial<FetcherOptions> = { maxReceiveCount: MAX_RECEIVES }) {
  const integrations = new MemoryIntegrations();
  const usage = new MemoryUsage();
  const secrets = new MemorySecrets();
  const secretRef = await secrets.save({ teamId: 't', integrationId: 'int_1', provider: 'fake' }, 'the-key');
  await integrations.save(integrationRecord({ secret_ref: secretRef }));
  const outage = { on: true };
  /** What the integration listed while the provider was being asked (the job's try in progress). */
  const duringTry: { dead_letters?: unknown }[] = [];
  const { provider } = scriptedProvider({
    days: {
      [DAY]: () => {
        duringTry.push(structuredClone(integrations.items.get('t|int_1') ?? {}));
        if (outage.on) throw new ProviderCallError('retry_later', 'the provider answered 503');
        return { kind: 'ok', raw: { users: ['a'] }, requests: 1 };
      },
    },
  });
  const ports = {
    providers: catalogOf(provider),
    integrations,
    usage,
    secrets,
    attribution: new MemoryAttributionStore(usage),
    roster: new MemoryRoster(),
    reattribution: new MemoryAttributionQueue(),
    clock: fixedClock('2026-06-15T04:00:00Z'),
    log: memoryLog(),
  };
  const handler = createFetcherHandler(
    () => ports,
    () => ({ providerId: 'fake', ...options }),
  );
  const deliver = async (job: SyncJob, receives: number) => {
    const record: SQSRecord = {
      messageId: `m-${receives}`,
      receiptHandle: 'r',
      body: JSON.stringify(job),
      attributes: {
        ApproximateReceiveCount: String(receives),
        SentTimestamp: '0',
        SenderId: 'test',
        ApproximateFirstReceiveTimestamp: '0',
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:local:000000000000:fake-sync',
      awsRegion: 'local',
    };
    const event: SQSEvent = { Records: [record] };
    try {
      const response = await handler(event, lambdaContext('fake-fetcher'));
      return response.batchItemFailures.map((failure) => failure.itemIdentifier);
    } catch (error) {
      // Every record failed: Powertools fails the invocation, and SQS keeps the whole batch.
      if (!(error instanceof FullBatchFailureError)) throw error;
      return event.Records.map((failed) => failed.messageId);
    }
  };
  const stored = async () => (await integrations.get('t', 'int_1'))!;
  /**
   * A try the function cannot finish: reading the ledger does not answer (a Lambda stopped by its timeout) until
   * the test ends it — an invocation left pending would fire its timeout later, in another test.
   */
  const stall = () => {
    const getLedger = usage.getLedger.bind(usage);
    let end: () => void = () => undefined;
    usage.getLedger = () =>
      new Promise((_, reject) => {
        end = () => reject(new Error('the invocation was ended'));
      });
    return () => {
      usage.getLedger = getLedger;
      end();
    };
  };
  return { deliver, stored, outage, usage, duringTry, stall };
}

const job: SyncJob = {
  version: 1,
  job_id: 'job-1',
  sync_id: 'sync-1',
  team_id: 't',
  integration_id: 'int_1',
  provider: 'fake',
  trigger: 'scheduled',
  dates: [DAY],
  enqueued_at: '2026-06-15T03:15:00.000Z',
  with_seats: false,
};

describe('the fetcher and dead-lettered jobs', () => {
  it('records a job only when it fails on its last allowed receive; the queue sees every failure', async () => {
    const { deliver, stored, usage } = await setup();
    for (let receives = 1; receives < MAX_RECEIVES; receives++) {
      expect(await deliver(job, receives)).toEqual([`m-${receives}`]);
      expect((await stored()).dead_letters).toBeUndefined();
    }
    expect(await deliver(job, MAX_RECEIVES)).toEqual([`m-${MAX_RECEIVES}`]);
    expect((await stored()).dead_letters).toEqual([
      expect.objectContaining({
        job_id: 'job-1',
        dates: [DAY],
        error: `fake ${DAY}: the provider answered 503`,
        dead_lettered_at: '2026-06-15T04:00:00.000Z',
      }),
    ]);
    expect(usage.entry('t', 'int_1', DAY)?.reason).toMatch(/^dead_letter: .*all 3 deliveries/);
  });

  it('a redriven job that succeeds (a new message, receive count 1) leaves the record', async () => {
    const { deliver, stored, outage, usage } = await setup();
    await deliver(job, MAX_RECEIVES);
    expect((await stored()).dead_letters).toHaveLength(1);
    outage.on = false;
    expect(await deliver(job, 1)).toEqual([]);
    expect(await stored()).not.toHaveProperty('dead_letters');
    expect(usage.entry('t', 'int_1', DAY)?.state).toBe('ok');
  });

  it('lists the job before its last try, so a try the function cannot finish leaves its record', async () => {
    const { deliver, stored, outage, duringTry, stall } = await setup();
    outage.on = false;
    // A last try that succeeds: listed while it runs, gone after.
    expect(await deliver(job, MAX_RECEIVES)).toEqual([]);
    expect(duringTry.at(-1)?.dead_letters).toEqual([
      expect.objectContaining({
        job_id: 'job-1',
        error: expect.stringMatching(/^its last try \(delivery 3\)/),
      }),
    ]);
    expect(await stored()).not.toHaveProperty('dead_letters');
    // A last try that never ends (the function is stopped): the record is there already.
    const endStall = stall();
    const stalled = deliver({ ...job, job_id: 'job-2' }, MAX_RECEIVES);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await stored()).dead_letters).toEqual([
      expect.objectContaining({
        job_id: 'job-2',
        dates: [DAY],
        error:
          'its last try (delivery 3) began and did not finish: the function stopped (timeout or out of memory) before it could record an error',
      }),
    ]);
    endStall();
    expect(await stalled).toEqual([`m-${MAX_RECEIVES}`]);
    // A job's earlier tries are not listed.
    expect(await deliver({ ...job, job_id: 'job-3' }, 1)).toEqual([]);
    expect((await stored()).dead_letters).toEqual([expect.objectContaining({ job_id: 'job-2' })]);
  });

  it('without the queue’s receive count it records nothing', async () => {
    const { deliver, stored } = await setup({});
    expect(await deliver(job, 99)).toEqual(['m-99']);
    expect((await stored()).dead_letters).toBeUndefined();
  });
});
