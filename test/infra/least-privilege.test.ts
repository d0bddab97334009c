import { SYNC_JOB_DELIVERY } from '../../functions/domain/provider-manifest';
import { providerManifests } from '../../functions/providers/manifests';
import { secretNamePrefix, stageConfig } from '../../lib/config';
import {
  SECRETS_PROVIDER_TAG,
  SECRETS_ROLE_DECRYPT,
  SECRETS_ROLE_ENCRYPT,
  SECRETS_ROLE_TAG,
} from '../../lib/constructs/provider-secrets-key';
import { environmentOf, grantsOf, ownFunctions, resourcesOf, synthStage } from './helpers';

/**
 * What each function may do, written out here from what its code does (functions/adapters, handlers) rather
 * than read back from the stack: the template must match exactly, so an added or a missing permission fails.
 */
const { statelessTemplate: t } = synthStage('dev');
const secretArns = `arn:<partition>:secretsmanager:<region>:<account>:secret:${secretNamePrefix(stageConfig('dev'))}/*`;
const via = (service: string) => `if StringEquals(kms:ViaService=${service}.<region>.amazonaws.com)`;
const on = (resource: string, ...actions: string[]) => actions.map((action) => `${action} ${resource}`);
const ownLogsAndTraces = [
  ...on('<own logs>', 'logs:CreateLogStream', 'logs:PutLogEvents'),
  ...on('<own logs>:*', 'logs:CreateLogStream', 'logs:PutLogEvents'),
  ...on('*', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments'),
];
const dataKeyRead = on('<DataKey>', 'kms:Decrypt', 'kms:DescribeKey').map((g) => `${g} ${via('dynamodb')}`);
const dataKeyWrite = [
  ...dataKeyRead,
  ...on('<DataKey>', 'kms:Encrypt', 'kms:GenerateDataKey').map((g) => `${g} ${via('dynamodb')}`),
];
const sendToEveryQueue = providerManifests.map((m) => `sqs:SendMessage <queue:${m.id}>`);
/** What storing a day takes: its rows, rollups and ledger replaced whole, in batches, read back first. */
const storeDays = on(
  '<UsageTable>',
  'dynamodb:Query',
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
);
const sorted = (grants: string[]) => [...grants].sort();

const expected: Record<string, string[]> = {
  'GET /health': ownLogsAndTraces,
  'GET /openapi.json': ownLogsAndTraces,
  'GET /dashboard': [
    ...ownLogsAndTraces,
    ...on('<IntegrationsTable>', 'dynamodb:Query'),
    ...on('<UsageTable>', 'dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:BatchGetItem'),
    ...dataKeyRead,
  ],
  'POST/GET/DELETE /ingest-tokens': [
    ...ownLogsAndTraces,
    ...on(
      '<IntegrationsTable>',
      'dynamodb:Query',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:DeleteItem',
    ),
    ...dataKeyWrite,
  ],
  // Resolves the ingest token (and notes its use), makes the telemetry integration once, counts the team's
  // requests, merges developer-days' series, marks a changed day and queues its rebuild; stores no day, no secret.
  'POST /otlp/v1/metrics': [
    ...ownLogsAndTraces,
    ...on(
      '<IntegrationsTable>',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:Query',
    ),
    ...on(
      '<UsageTable>',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
    ),
    ...dataKeyWrite,
    'sqs:SendMessage <queue:telemetry-rebuild>',
  ],
  // Rebuilds a telemetry day from its series and stores it as a fetcher stores a day.
  'Rebuild telemetry days from their series': [
    ...ownLogsAndTraces,
    ...on('<IntegrationsTable>', 'dynamodb:GetItem', 'dynamodb:Query'),
    ...storeDays,
    ...dataKeyWrite,
    ...on(
      '<queue:telemetry-rebuild>',
      'sqs:ReceiveMessage',
      'sqs:DeleteMessage',
      'sqs:ChangeMessageVisibility',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
    ),
  ],
  // Looks an ingest token up by its hash and notes its use; nothing else.
  'Authorize ingest tokens of POST /otlp/v1/metrics': [
    ...ownLogsAndTraces,
    ...on('<IntegrationsTable>', 'dynamodb:GetItem', 'dynamodb:UpdateItem'),
    ...dataKeyWrite,
  ],
  'GET/PUT/PATCH/DELETE /members': [
    ...ownLogsAndTraces,
    ...on('<IntegrationsTable>', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:DeleteItem'),
    ...dataKeyWrite,
    'sqs:SendMessage <queue:attribution>',
  ],
  'Attribute stored usage to people and groups after a roster change': [
    ...ownLogsAndTraces,
    ...on('<IntegrationsTable>', 'dynamodb:Query'),
    ...on('<UsageTable>', 'dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'),
    ...dataKeyWrite,
    'sqs:SendMessage <queue:attribution>',
    ...on(
      '<queue:attribution>',
      'sqs:ReceiveMessage',
      'sqs:DeleteMessage',
      'sqs:ChangeMessageVisibility',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
    ),
  ],
  // Imports store days as a fetcher does (usage rows, rollups, ledger, people), but read no secret.
  'POST/GET /imports': [
    ...ownLogsAndTraces,
    ...on(
      '<IntegrationsTable>',
      'dynamodb:Query',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
    ),
    ...storeDays,
    ...dataKeyWrite,
    // The presigned upload URL is signed with this role: it may put files under imports/ and nothing else.
    's3:PutObject <ImportsBucket>/imports/*',
  ],
  'Import an uploaded CSV file of usage': [
    ...ownLogsAndTraces,
    ...on('<IntegrationsTable>', 'dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:UpdateItem'),
    ...storeDays,
    ...dataKeyWrite,
    's3:GetObject <ImportsBucket>/imports/*',
    ...on(
      '<queue:imports>',
      'sqs:ReceiveMessage',
      'sqs:DeleteMessage',
      'sqs:ChangeMessageVisibility',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
    ),
  ],
  'POST /connect': [
    ...ownLogsAndTraces,
    ...on('<IntegrationsTable>', 'dynamodb:GetItem', 'dynamodb:PutItem'),
    ...on('<UsageTable>', 'dynamodb:UpdateItem'),
    ...dataKeyWrite,
    ...on(
      secretArns,
      'secretsmanager:CreateSecret',
      'secretsmanager:PutSecretValue',
      'secretsmanager:RestoreSecret',
      'secretsmanager:TagResource',
    ),
    'kms:Encrypt <SecretsKey> if ForAllValues:StringEquals(kms:EncryptionContextKeys=team_id,integration_id,provider) ' +
      'Null(kms:EncryptionContext:team_id=false kms:EncryptionContext:integration_id=false kms:EncryptionContext:provider=false)',
    `kms:GenerateDataKey <SecretsKey> ${via('secretsmanager')}`,
    `kms:Decrypt <SecretsKey> ${via('secretsmanager')}`,
    ...sendToEveryQueue,
  ],
  'POST /sync': [
    ...ownLogsAndTraces,
    ...on('<IntegrationsTable>', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'),
    ...on('<UsageTable>', 'dynamodb:UpdateItem'),
    ...dataKeyWrite,
    ...sendToEveryQueue,
  ],
  'GET/PATCH/DELETE /integrations': [
    ...ownLogsAndTraces,
    ...on(
      '<IntegrationsTable>',
      'dynamodb:Query',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:DeleteItem',
    ),
    ...on('<UsageTable>', 'dynamodb:Query'),
    ...dataKeyWrite,
    ...on(secretArns, 'secretsmanager:DeleteSecret'),
  ],
  ...Object.fromEntries(
    providerManifests.flatMap((m) => [
      [
        `${m.displayName}: daily sync`,
        [
          ...ownLogsAndTraces,
          ...on('<IntegrationsTable>/index/schedulable-by-provider', 'dynamodb:Query'),
          // The ledger of each integration (days to repair), and marking days pending.
          ...on('<UsageTable>', 'dynamodb:Query', 'dynamodb:UpdateItem'),
          ...dataKeyWrite,
          `sqs:SendMessage <queue:${m.id}>`,
        ],
      ],
      [
        `${m.displayName}: fetch`,
        [
          ...ownLogsAndTraces,
          ...on('<IntegrationsTable>', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'),
          ...storeDays,
          ...on(
            '<IdempotencyTable>',
            'dynamodb:GetItem',
            'dynamodb:PutItem',
            'dynamodb:UpdateItem',
            'dynamodb:DeleteItem',
          ),
          ...dataKeyWrite,
          ...on(secretArns, 'secretsmanager:GetSecretValue'),
          'sqs:SendMessage <queue:attribution>',
          `kms:Decrypt <SecretsKey> if StringEquals(kms:EncryptionContext:provider=${m.id})`,
          `kms:Decrypt <SecretsKey> ${via('secretsmanager')}`,
          // The SQS event source polls the provider's queue.
          ...on(
            `<queue:${m.id}>`,
            'sqs:ReceiveMessage',
            'sqs:DeleteMessage',
            'sqs:ChangeMessageVisibility',
            'sqs:GetQueueAttributes',
            'sqs:GetQueueUrl',
          ),
        ],
      ],
    ]),
  ),
};
const granted = Object.fromEntries(Object.keys(expected).map((fn) => [fn, grantsOf(t, fn)]));
const all = Object.entries(granted);
const holders = (pattern: RegExp) =>
  all.filter(([, grants]) => grants.some((g) => pattern.test(g))).map(([fn]) => fn);
const fetchers = providerManifests.map((m) => `${m.displayName}: fetch`);

describe('least privilege: each function may do exactly what its code needs', () => {
  it('covers every function in the stack', () => {
    expect(ownFunctions(t)).toHaveLength(Object.keys(expected).length);
  });

  it.each(Object.keys(expected))('%s', (fn) => {
    expect(granted[fn]).toEqual(sorted(expected[fn] ?? []));
  });
});

describe('least privilege: what functions may not do', () => {
  it('the dashboard only reads: no writes, no secrets, no queues, no provider keys', () => {
    const grants = granted['GET /dashboard'] ?? [];
    expect(grants.filter((g) => /^dynamodb:(Put|Update|Delete|BatchWrite)/.test(g))).toEqual([]);
    expect(grants.filter((g) => /Idempotency|secretsmanager|sqs:|SecretsKey/.test(g))).toEqual([]);
    expect(grants.filter((g) => /Integrations/.test(g))).toEqual(['dynamodb:Query <IntegrationsTable>']);
  });

  it('only connect encrypts provider keys, and only under the full integration context', () => {
    expect(
      holders(
        /^kms:(Encrypt|GenerateDataKey|ReEncrypt)\S* <SecretsKey>(?! if StringEquals\(kms:ViaService=secretsmanager)/,
      ),
    ).toEqual(['POST /connect']);
  });

  it('connect cannot decrypt provider keys itself (only Secrets Manager opens its own envelope)', () => {
    const decrypts = (granted['POST /connect'] ?? []).filter((g) => g.startsWith('kms:Decrypt <SecretsKey>'));
    expect(decrypts).toEqual([`kms:Decrypt <SecretsKey> ${via('secretsmanager')}`]);
    expect(granted['POST /connect']?.some((g) => g.startsWith('secretsmanager:GetSecretValue'))).toBe(false);
  });

  it("only fetchers decrypt provider keys, each only its own provider's", () => {
    const direct = /^kms:Decrypt <SecretsKey>(?! if StringEquals\(kms:ViaService=secretsmanager)/;
    expect(holders(direct).sort()).toEqual([...fetchers].sort());
    for (const manifest of providerManifests) {
      expect(granted[`${manifest.displayName}: fetch`]?.filter((g) => direct.test(g))).toEqual([
        `kms:Decrypt <SecretsKey> if StringEquals(kms:EncryptionContext:provider=${manifest.id})`,
      ]);
    }
  });

  it('only connect creates or writes secrets, only fetchers read them, only integrations deletes them', () => {
    expect(holders(/^secretsmanager:(CreateSecret|PutSecretValue|RestoreSecret) /)).toEqual([
      'POST /connect',
    ]);
    expect(holders(/^secretsmanager:GetSecretValue /).sort()).toEqual([...fetchers].sort());
    expect(holders(/^secretsmanager:DeleteSecret /)).toEqual(['GET/PATCH/DELETE /integrations']);
  });

  it('the table key is usable only through DynamoDB', () => {
    for (const [, grants] of all) {
      for (const grant of grants.filter((g) => g.includes('<DataKey>'))) {
        expect(grant).toContain(via('dynamodb'));
      }
    }
  });

  it('no wildcard action, no Deny, and Resource "*" only for X-Ray', () => {
    for (const [, grants] of all) {
      expect(grants.filter((g) => g.split(' ')[0]?.includes('*'))).toEqual([]);
      expect(grants.filter((g) => g.startsWith('DENY'))).toEqual([]);
      expect(grants.filter((g) => / \*( |$)/.test(g) && !g.startsWith('xray:'))).toEqual([]);
    }
  });
});

describe('role tags that the secrets key policy relies on', () => {
  const roles = Object.values(resourcesOf(t)).filter((r) => r.Type === 'AWS::IAM::Role');
  const tagged = (key: string, value: string) =>
    roles
      .filter((r) =>
        ((r.Properties.Tags ?? []) as { Key: string; Value: string }[]).some(
          (tag) => tag.Key === key && tag.Value === value,
        ),
      )
      .map((r) => String(r.Properties.Description));

  it('tags only the connect role "encrypt" and only the fetcher roles "decrypt", each with its provider', () => {
    expect(tagged(SECRETS_ROLE_TAG, SECRETS_ROLE_ENCRYPT)).toEqual([
      expect.stringMatching(/^POST \/connect/),
    ]);
    expect(tagged(SECRETS_ROLE_TAG, SECRETS_ROLE_DECRYPT)).toHaveLength(providerManifests.length);
    for (const manifest of providerManifests) {
      expect(tagged(SECRETS_PROVIDER_TAG, manifest.id)).toEqual([
        expect.stringMatching(new RegExp(`^${manifest.displayName}: fetch`)),
      ]);
    }
  });
});

describe('environment: each function gets what its handler reads, and no more', () => {
  const base = {
    NODE_OPTIONS: '--enable-source-maps',
    POWERTOOLS_METRICS_NAMESPACE: 'AiUsage',
  };
  const data = { INTEGRATIONS_TABLE: '<IntegrationsTable>', USAGE_TABLE: '<UsageTable>' };
  const prefix = secretNamePrefix(stageConfig('dev'));
  const everyQueue = Object.fromEntries(providerManifests.map((m) => [m.id, `<queue:${m.id}>`]));
  const json = (value: string | undefined) => JSON.parse(value ?? 'null') as unknown;

  it('API functions', () => {
    expect(environmentOf(t, 'GET /health')).toEqual({ ...base, POWERTOOLS_SERVICE_NAME: 'health' });
    expect(environmentOf(t, 'GET /openapi.json')).toEqual({ ...base, POWERTOOLS_SERVICE_NAME: 'openapi' });
    expect(environmentOf(t, 'GET /dashboard')).toEqual({
      ...base,
      ...data,
      POWERTOOLS_SERVICE_NAME: 'dashboard',
    });
    const { SYNC_QUEUE_URLS: connectQueues, ...connect } = environmentOf(t, 'POST /connect');
    expect(connect).toEqual({
      ...base,
      ...data,
      POWERTOOLS_SERVICE_NAME: 'connect',
      KMS_KEY_ID: '<SecretsKey>',
      SECRET_NAME_PREFIX: prefix,
    });
    expect(json(connectQueues)).toEqual(everyQueue);
    const { SYNC_QUEUE_URLS: syncQueues, ...sync } = environmentOf(t, 'POST /sync');
    expect(sync).toEqual({ ...base, ...data, POWERTOOLS_SERVICE_NAME: 'sync' });
    expect(json(syncQueues)).toEqual(everyQueue);
    // It deletes a secret by the ARN stored on the integration: it never names one.
    expect(environmentOf(t, 'GET/PATCH/DELETE /integrations')).toEqual({
      ...base,
      ...data,
      POWERTOOLS_SERVICE_NAME: 'integrations',
    });
  });

  it.each(providerManifests.map((m) => [m.id, m] as const))('%s scheduler and fetcher', (_id, manifest) => {
    const { SYNC_QUEUE_URLS: queues, ...scheduler } = environmentOf(t, `${manifest.displayName}: daily sync`);
    expect(scheduler).toEqual({
      ...base,
      ...data,
      POWERTOOLS_SERVICE_NAME: `${manifest.id}-scheduler`,
      PROVIDER_ID: manifest.id,
    });
    // Its own queue only.
    expect(json(queues)).toEqual({ [manifest.id]: `<queue:${manifest.id}>` });
    expect(environmentOf(t, `${manifest.displayName}: fetch`)).toEqual({
      ...base,
      ...data,
      POWERTOOLS_SERVICE_NAME: `${manifest.id}-fetcher`,
      PROVIDER_ID: manifest.id,
      // Its queue's maxReceiveCount: a job failing on that receive is recorded on its integration.
      SYNC_MAX_RECEIVE_COUNT: String(SYNC_JOB_DELIVERY.maxReceiveCount),
      IDEMPOTENCY_TABLE: '<IdempotencyTable>',
      // The handler passes it as KeyId to Decrypt: it must be the secrets key.
      KMS_KEY_ID: '<SecretsKey>',
      SECRET_NAME_PREFIX: prefix,
      // Seats that link identities to other e-mails (GitHub SAML) ask for re-attribution.
      ATTRIBUTION_QUEUE_URL: '<queue:attribution>',
    });
  });

  it('the imports API and its worker: the tables and the uploads bucket', () => {
    expect(environmentOf(t, 'POST/GET /imports')).toEqual({
      ...base,
      ...data,
      POWERTOOLS_SERVICE_NAME: 'imports',
      IMPORTS_BUCKET: '<ImportsBucket>',
    });
    expect(environmentOf(t, 'Import an uploaded CSV file of usage')).toEqual({
      ...base,
      ...data,
      POWERTOOLS_SERVICE_NAME: 'import-worker',
      IMPORTS_BUCKET: '<ImportsBucket>',
    });
  });

  it('the roster and attribution functions', () => {
    expect(environmentOf(t, 'GET/PUT/PATCH/DELETE /members')).toEqual({
      ...base,
      INTEGRATIONS_TABLE: '<IntegrationsTable>',
      POWERTOOLS_SERVICE_NAME: 'members',
      ATTRIBUTION_QUEUE_URL: '<queue:attribution>',
    });
    expect(environmentOf(t, 'Attribute stored usage to people and groups after a roster change')).toEqual({
      ...base,
      ...data,
      POWERTOOLS_SERVICE_NAME: 'attribution',
      ATTRIBUTION_QUEUE_URL: '<queue:attribution>',
    });
  });
});
