import { Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { AnyPrincipal, Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config';
import { tableDefinitions, type TableDefinition } from '../table-definitions';

/** Role tag that reserves direct use of the secrets key (see the key policy below). */
export const SECRETS_ROLE_TAG = 'ai-usage-secrets-role';
export const SECRETS_ROLE_ENCRYPT = 'encrypt';
export const SECRETS_ROLE_DECRYPT = 'decrypt';

export interface StatefulStackProps extends StackProps {
  config: StageConfig;
}

/**
 * Everything that holds data: the three tables and the two customer-managed keys. Kept apart from
 * the stateless stack so functions and the API can be replaced without touching data.
 *
 * - `dataKey` encrypts the tables (and alarm notifications).
 * - `secretsKey` encrypts provider keys only. Its policy refuses any direct encrypt/decrypt that does
 *   not carry the team/integration/provider encryption context; Secrets Manager's own envelope calls
 *   (via the service) pass. Which role may encrypt (connect) and which may decrypt, for which provider
 *   (each fetcher), is granted in those roles' policies in the stateless stack — naming the roles here
 *   would make the two stacks depend on each other in a cycle.
 */
export class StatefulStack extends Stack {
  readonly tables: Record<string, Table>;
  readonly dataKey: Key;
  readonly secretsKey: Key;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.dataKey = new Key(this, 'DataKey', {
      description: 'AI usage: tables and notifications at rest',
      enableKeyRotation: true,
      removalPolicy: config.removalPolicy,
    });
    // CloudWatch alarms publish to the encrypted alarm topic.
    this.dataKey.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );

    this.secretsKey = new Key(this, 'SecretsKey', {
      description:
        'AI usage: provider API keys (encryption context team_id, integration_id, provider required)',
      enableKeyRotation: true,
      removalPolicy: config.removalPolicy,
    });
    this.secretsKey.addToResourcePolicy(
      new PolicyStatement({
        sid: 'RequireEncryptionContextOutsideSecretsManager',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringNotEquals: { 'kms:ViaService': `secretsmanager.${this.region}.amazonaws.com` },
          Null: {
            'kms:EncryptionContext:team_id': 'true',
          },
        },
      }),
    );

    // Direct use of the secrets key (not through Secrets Manager's envelope) is reserved by role tag:
    // only roles tagged "encrypt" (the connect function) may encrypt, only roles tagged "decrypt"
    // (the fetchers) may decrypt. Tags, not role ARNs, so the stacks do not reference each other.
    for (const [actions, tag] of [
      [['kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'], SECRETS_ROLE_ENCRYPT],
      [['kms:Decrypt'], SECRETS_ROLE_DECRYPT],
    ] as const) {
      this.secretsKey.addToResourcePolicy(
        new PolicyStatement({
          sid: `Only${tag === SECRETS_ROLE_ENCRYPT ? 'Connect' : 'Fetchers'}${tag === SECRETS_ROLE_ENCRYPT ? 'Encrypt' : 'Decrypt'}`,
          effect: Effect.DENY,
          principals: [new AnyPrincipal()],
          actions: [...actions],
          resources: ['*'],
          conditions: {
            StringNotEquals: {
              [`aws:PrincipalTag/${SECRETS_ROLE_TAG}`]: tag,
              'kms:ViaService': `secretsmanager.${this.region}.amazonaws.com`,
            },
          },
        }),
      );
    }

    this.tables = Object.fromEntries(
      tableDefinitions.map((definition) => [definition.id, this.table(definition, config)]),
    );
  }

  private table(definition: TableDefinition, config: StageConfig): Table {
    const table = new Table(this, `${definition.id}Table`, {
      partitionKey: { name: definition.partitionKey, type: AttributeType.STRING },
      ...(definition.sortKey ? { sortKey: { name: definition.sortKey, type: AttributeType.STRING } } : {}),
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.dataKey,
      removalPolicy: config.removalPolicy,
      deletionProtection: config.stage === 'prod',
      ...(definition.timeToLiveAttribute ? { timeToLiveAttribute: definition.timeToLiveAttribute } : {}),
    });
    for (const index of definition.globalSecondaryIndexes) {
      table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
      });
    }
    return table;
  }
}
