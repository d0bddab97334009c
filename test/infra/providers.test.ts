import type { Template } from 'aws-cdk-lib/assertions';
import { SYNC_JOB_DELIVERY, type ProviderManifest } from '../../functions/domain/provider-manifest';
import { providerManifests } from '../../functions/providers/manifests';
import { environmentOf, functionNamed, grantsOf, providerStem, resourcesOf, synthStage } from './helpers';

/** A second provider that exists only here: the stack must build its pipeline with no CDK change. */
const otherProvider: ProviderManifest = {
  id: 'acme_ai',
  displayName: 'Acme AI',
  baseUrlEnv: 'ACME_AI_API_BASE_URL',
  defaultBaseUrl: 'https://api.acme.example',
  scheduleCron: 'cron(40 4 * * ? *)',
  sync: { backfillDays: 30, dailyOffsets: [1], newestOffset: 1, maxDaysPerJob: 5 },
  limits: { maxConcurrency: 3, fetcherTimeoutSeconds: 45, maxAttempts: 3, maxRetryAfterSeconds: 30 },
  local: { keyEnv: 'ACME_AI_KEY' },
};

/** Asserts the whole rule → scheduler → queue (+DLQ) → fetcher chain of one provider. */
function expectPipeline(
  template: Template,
  manifest: ProviderManifest,
  manifests: readonly ProviderManifest[],
) {
  const resources = resourcesOf(template);
  const stem = providerStem(manifest);
  const [schedulerId] = functionNamed(template, `${manifest.displayName}: daily sync`);
  const [fetcherId, fetcher] = functionNamed(template, `${manifest.displayName}: fetch`);
  const byPrefix = (type: string, prefix: string) =>
    Object.entries(resources).filter(([id, r]) => r.Type === type && id.startsWith(prefix));

  // EventBridge: the manifest's cron, targeting this provider's scheduler.
  const rules = byPrefix('AWS::Events::Rule', stem);
  expect(rules).toHaveLength(1);
  expect(rules[0]?.[1].Properties).toMatchObject({
    ScheduleExpression: manifest.scheduleCron,
    State: 'ENABLED',
    Targets: [expect.objectContaining({ Arn: { 'Fn::GetAtt': [schedulerId, 'Arn'] } })],
  });

  // Queue with its DLQ: visibility at least six times the fetcher's timeout.
  const [queue] = byPrefix('AWS::SQS::Queue', `${stem}SyncQueue`);
  const [dlq] = byPrefix('AWS::SQS::Queue', `${stem}SyncDeadLetter`);
  expect(queue).toBeDefined();
  expect(dlq).toBeDefined();
  const visibility = queue?.[1].Properties.VisibilityTimeout as number;
  expect(visibility).toBeGreaterThanOrEqual(6 * manifest.limits.fetcherTimeoutSeconds);
  expect(queue?.[1].Properties.RedrivePolicy).toEqual({
    deadLetterTargetArn: { 'Fn::GetAtt': [dlq?.[0], 'Arn'] },
    maxReceiveCount: SYNC_JOB_DELIVERY.maxReceiveCount,
  });
  expect(dlq?.[1].Properties.RedrivePolicy).toBeUndefined();
  expect(dlq?.[1].Properties.MessageRetentionPeriod).toBe(
    SYNC_JOB_DELIVERY.deadLetterRetentionDays * 24 * 3600,
  );
  // The fetcher knows its queue's last receive (it records a job on its integration before SQS dead-letters it).
  expect(environmentOf(template, `${manifest.displayName}: fetch`, manifests).SYNC_MAX_RECEIVE_COUNT).toBe(
    String((queue?.[1].Properties.RedrivePolicy as { maxReceiveCount: number }).maxReceiveCount),
  );

  // Fetcher: the manifest's timeout; concurrency capped at the provider's rate limit by the event source alone.
  expect(fetcher.Properties).toMatchObject({ Timeout: manifest.limits.fetcherTimeoutSeconds });
  const mappings = Object.values(resources).filter(
    (r) =>
      r.Type === 'AWS::Lambda::EventSourceMapping' &&
      JSON.stringify(r.Properties.FunctionName) === JSON.stringify({ Ref: fetcherId }),
  );
  expect(mappings).toHaveLength(1);
  expect(mappings[0]?.Properties).toMatchObject({
    EventSourceArn: { 'Fn::GetAtt': [queue?.[0], 'Arn'] },
    FunctionResponseTypes: ['ReportBatchItemFailures'],
    BatchSize: 1,
    ScalingConfig: { MaximumConcurrency: manifest.limits.maxConcurrency },
  });

  // The scheduler sends to its own queue only; the fetcher decrypts only its own provider's keys.
  expect(
    JSON.parse(
      environmentOf(template, `${manifest.displayName}: daily sync`, manifests).SYNC_QUEUE_URLS ?? '',
    ),
  ).toEqual({ [manifest.id]: `<queue:${manifest.id}>` });
  const schedulerGrants = grantsOf(template, `${manifest.displayName}: daily sync`, manifests);
  expect(schedulerGrants.filter((g) => g.startsWith('sqs:'))).toEqual([
    `sqs:SendMessage <queue:${manifest.id}>`,
  ]);
  const fetcherGrants = grantsOf(template, `${manifest.displayName}: fetch`, manifests);
  expect(fetcherGrants.filter((g) => g.includes('kms:EncryptionContext:provider'))).toEqual([
    `kms:Decrypt <SecretsKey> if StringEquals(kms:EncryptionContext:provider=${manifest.id})`,
  ]);
  expect(environmentOf(template, `${manifest.displayName}: fetch`, manifests).PROVIDER_ID).toBe(manifest.id);
}

describe('one pipeline per provider of the registry', () => {
  const { statelessTemplate: t } = synthStage('dev');

  it.each(providerManifests.map((m) => [m.id, m] as const))(
    '%s: daily rule → scheduler → queue + DLQ → fetcher',
    (_id, manifest) => expectPipeline(t, manifest, providerManifests),
  );

  it('nothing more: as many rules, event sources, queue pairs and fetchers as providers (+ attribution, imports, telemetry rebuilds)', () => {
    const n = providerManifests.length;
    t.resourceCountIs('AWS::Events::Rule', n);
    // The attribution queue (roster changes), the imports queue (uploaded files) and the telemetry rebuild queue
    // have their consumer and queue pair too.
    t.resourceCountIs('AWS::Lambda::EventSourceMapping', n + 3);
    t.resourceCountIs('AWS::SQS::Queue', 2 * (n + 3));
  });

  it('every queue is encrypted and refuses non-TLS access', () => {
    t.allResourcesProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    const policies = Object.values(resourcesOf(t)).filter((r) => r.Type === 'AWS::SQS::QueuePolicy');
    expect(policies).toHaveLength(2 * (providerManifests.length + 3));
    for (const policy of policies) {
      expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
    }
  });
});

describe('a provider added to the registry needs no CDK change', () => {
  const manifests = [...providerManifests, otherProvider];
  const { statelessTemplate: t } = synthStage('dev', { providers: manifests });

  it.each(manifests.map((m) => [m.id, m] as const))('%s gets its own pipeline', (_id, manifest) =>
    expectPipeline(t, manifest, manifests),
  );

  it('API functions that queue work learn every provider queue', () => {
    for (const fn of ['POST /connect', 'POST /sync']) {
      expect(Object.keys(JSON.parse(environmentOf(t, fn, manifests).SYNC_QUEUE_URLS ?? '{}'))).toEqual(
        manifests.map((m) => m.id),
      );
    }
  });

  it('refuses a concurrency cap the SQS event source cannot honour', () => {
    expect(() =>
      synthStage('dev', {
        providers: [{ ...otherProvider, limits: { ...otherProvider.limits, maxConcurrency: 1 } }],
      }),
    ).toThrow(/acme_ai: limits.maxConcurrency must be an integer ≥ 2/);
  });
});
