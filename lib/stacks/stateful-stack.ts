import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { UserPool, UserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config';
import { ProviderSecretsKey } from '../constructs/provider-secrets-key';
import { UserDirectory } from '../constructs/user-directory';
import { tableDefinitions } from '../../functions/adapters/dynamodb/table-definitions';
import { dataTable } from '../constructs/data-table';

export interface StatefulStackProps extends StackProps {
  config: StageConfig;
}

/**
 * Everything that holds data: the tables (from the one shared definition), the two customer-managed keys and
 * the user pool. Kept apart from the stateless stack so functions, API and schedules can be replaced or
 * destroyed without touching data; outside dev all of it is retained and protected from deletion.
 *
 * - `dataKey` encrypts the tables (and the alarm topic). Functions may use it only through DynamoDB.
 * - `secretsKey` encrypts provider API keys only; see ProviderSecretsKey for its strict policy.
 */
export class StatefulStack extends Stack {
  /** Tables by TableDefinition.id. */
  readonly tables: Readonly<Record<string, Table>>;
  readonly dataKey: Key;
  readonly secretsKey: Key;
  readonly userPool: UserPool;
  readonly userPoolClient: UserPoolClient;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.dataKey = new Key(this, 'DataKey', {
      description: 'AI usage: tables and alarm notifications at rest',
      enableKeyRotation: true,
      removalPolicy: config.removalPolicy,
      pendingWindow: config.keyPendingWindow,
    });
    // CloudWatch alarms publish to the topic encrypted with this key.
    this.dataKey.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );

    this.secretsKey = new ProviderSecretsKey(this, 'SecretsKey', {
      removalPolicy: config.removalPolicy,
      pendingWindow: config.keyPendingWindow,
    }).key;

    this.tables = Object.fromEntries(
      tableDefinitions.map((definition) => [
        definition.id,
        dataTable(this, definition, this.dataKey, config),
      ]),
    );

    const directory = new UserDirectory(this, 'Directory', config);
    this.userPool = directory.userPool;
    this.userPoolClient = directory.client;
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.userPoolClient.userPoolClientId });
  }
}
