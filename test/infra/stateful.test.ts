import { Match } from 'aws-cdk-lib/assertions';
import type { CfnKey } from 'aws-cdk-lib/aws-kms';
import { createTableInput } from '../../local/create-tables';
import { stageConfigs } from '../../lib/config';
import {
  SECRET_CONTEXT_KEYS,
  SECRETS_PROVIDER_TAG,
  SECRETS_ROLE_DECRYPT,
  SECRETS_ROLE_ENCRYPT,
  SECRETS_ROLE_TAG,
} from '../../lib/constructs/provider-secrets-key';
import { tableDefinitions } from '../../functions/adapters/dynamodb/table-definitions';
import { resourcesOf, synthStage, type Resource } from './helpers';

const dev = synthStage('dev');
const prod = synthStage('prod');
const logicalIdOf = (stage: typeof dev, key: 'dataKey' | 'secretsKey') =>
  stage.stateful.getLogicalId(stage.stateful[key].node.defaultChild as CfnKey);
const ofType = (
  stage: typeof dev,
  type: string,
  stack: 'statefulTemplate' | 'statelessTemplate' = 'statefulTemplate',
) => Object.values(resourcesOf(stage[stack])).filter((r) => r.Type === type);

interface PolicyStatementJson {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}
const keyPolicy = (stage: typeof dev, key: 'dataKey' | 'secretsKey') =>
  (
    resourcesOf(stage.statefulTemplate)[logicalIdOf(stage, key)]?.Properties.KeyPolicy as {
      Statement: PolicyStatementJson[];
    }
  ).Statement;

describe('tables', () => {
  const tables = ofType(dev, 'AWS::DynamoDB::Table');
  it('one per shared definition: on-demand, point-in-time recovery, encrypted with the data key', () => {
    expect(tables).toHaveLength(tableDefinitions.length);
    for (const table of tables) {
      expect(table.Properties).toMatchObject({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: {
          SSEEnabled: true,
          SSEType: 'KMS',
          KMSMasterKeyId: { 'Fn::GetAtt': [logicalIdOf(dev, 'dataKey'), 'Arn'] },
        },
      });
    }
  });

  it('match, key for key and index for index, the CreateTable requests the local run sends (one definition)', () => {
    for (const definition of tableDefinitions) {
      const local = createTableInput(definition, definition.id);
      const deployed = tables.filter(
        (t) =>
          JSON.stringify(t.Properties.KeySchema) === JSON.stringify(local.KeySchema) &&
          JSON.stringify(t.Properties.GlobalSecondaryIndexes ?? []) ===
            JSON.stringify(
              (local.GlobalSecondaryIndexes ?? []).map((g) => ({
                IndexName: g.IndexName,
                KeySchema: g.KeySchema,
                Projection: g.Projection,
              })),
            ),
      );
      expect(deployed).toHaveLength(1);
      const byName = (list: unknown) =>
        [...(list as { AttributeName: string }[])].sort((a, b) =>
          a.AttributeName.localeCompare(b.AttributeName),
        );
      expect(byName(deployed[0]?.Properties.AttributeDefinitions)).toEqual(
        byName(local.AttributeDefinitions),
      );
      expect(deployed[0]?.Properties.TimeToLiveSpecification).toEqual(
        definition.timeToLiveAttribute
          ? { AttributeName: definition.timeToLiveAttribute, Enabled: true }
          : undefined,
      );
    }
  });
});

describe('removal: a dev stage can be destroyed whole, anything else keeps its data', () => {
  const statefulTypes = ['AWS::DynamoDB::Table', 'AWS::KMS::Key', 'AWS::Cognito::UserPool'];
  const policies = (stage: typeof dev, types: string[], stack: 'statefulTemplate' | 'statelessTemplate') =>
    types
      .flatMap((type) => ofType(stage, type, stack))
      .map((r: Resource) => [r.DeletionPolicy, r.UpdateReplacePolicy]);

  it('dev: tables, keys, user pool and log groups are deleted with the stacks', () => {
    const all = [
      ...policies(dev, statefulTypes, 'statefulTemplate'),
      ...policies(dev, ['AWS::Logs::LogGroup'], 'statelessTemplate'),
    ];
    expect(all.length).toBeGreaterThan(statefulTypes.length);
    for (const policy of all) expect(policy).toEqual(['Delete', 'Delete']);
  });

  it('prod: all of them are retained, tables and user pool deletion-protected, stacks termination-protected', () => {
    const all = [
      ...policies(prod, statefulTypes, 'statefulTemplate'),
      ...policies(prod, ['AWS::Logs::LogGroup'], 'statelessTemplate'),
    ];
    for (const policy of all) expect(policy).toEqual(['Retain', 'Retain']);
    prod.statefulTemplate.allResourcesProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: true });
    prod.statefulTemplate.hasResourceProperties('AWS::Cognito::UserPool', { DeletionProtection: 'ACTIVE' });
    expect(prod.stateful.terminationProtection).toBe(true);
    expect(prod.stateless.terminationProtection).toBe(true);
    expect(dev.stateful.terminationProtection).toBe(false);
  });

  it('keys wait the configured window before deletion', () => {
    for (const stage of [dev, prod]) {
      stage.statefulTemplate.allResourcesProperties('AWS::KMS::Key', {
        EnableKeyRotation: true,
        PendingWindowInDays: stage.config.keyPendingWindow.toDays(),
      });
    }
  });
});

describe('keys', () => {
  it('two customer-managed keys, both rotated', () => {
    dev.statefulTemplate.resourceCountIs('AWS::KMS::Key', 2);
    dev.statefulTemplate.allResourcesProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('the data key allows only the account (through IAM) and CloudWatch (alarm topic) of this account', () => {
    const allows = keyPolicy(dev, 'dataKey').filter((s) => s.Effect === 'Allow');
    expect(allows.map((s) => JSON.stringify(s.Principal))).toEqual([
      expect.stringContaining(':root'),
      JSON.stringify({ Service: 'cloudwatch.amazonaws.com' }),
    ]);
    expect(allows[1]?.Condition).toEqual({
      StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
    });
  });

  describe('the secrets key policy', () => {
    const statements = keyPolicy(dev, 'secretsKey');
    const denies = statements.filter((s) => s.Effect === 'Deny');
    const outsideSecretsManager = {
      'kms:ViaService': { 'Fn::Join': ['', ['secretsmanager.', { Ref: 'AWS::Region' }, '.amazonaws.com']] },
    };

    it('grants nothing beyond the delegation to IAM in the account', () => {
      const allows = statements.filter((s) => s.Effect === 'Allow');
      expect(allows).toHaveLength(1);
      expect(JSON.stringify(allows[0]?.Principal)).toContain(':root');
    });

    it.each(SECRET_CONTEXT_KEYS)('denies direct use without the %s encryption context', (key) => {
      expect(denies).toContainEqual(
        expect.objectContaining({
          Action: expect.arrayContaining([
            'kms:Encrypt',
            'kms:Decrypt',
            'kms:GenerateDataKey*',
            'kms:ReEncrypt*',
          ]),
          Principal: { AWS: '*' },
          Condition: {
            StringNotEquals: outsideSecretsManager,
            Null: { [`kms:EncryptionContext:${key}`]: 'true' },
          },
        }),
      );
    });

    it('denies direct encryption to all but roles tagged encrypt, direct decryption to all but roles tagged decrypt', () => {
      expect(denies).toContainEqual(
        expect.objectContaining({
          Action: ['kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'],
          Condition: {
            StringNotEquals: {
              [`aws:PrincipalTag/${SECRETS_ROLE_TAG}`]: SECRETS_ROLE_ENCRYPT,
              ...outsideSecretsManager,
            },
          },
        }),
      );
      expect(denies).toContainEqual(
        expect.objectContaining({
          Action: 'kms:Decrypt',
          Condition: {
            StringNotEquals: {
              [`aws:PrincipalTag/${SECRETS_ROLE_TAG}`]: SECRETS_ROLE_DECRYPT,
              ...outsideSecretsManager,
            },
          },
        }),
      );
    });

    it("denies direct decryption of another provider's key (context provider ≠ caller's provider tag)", () => {
      expect(denies).toContainEqual(
        expect.objectContaining({
          Action: 'kms:Decrypt',
          Condition: {
            StringNotEquals: {
              'kms:EncryptionContext:provider': `\${aws:PrincipalTag/${SECRETS_PROVIDER_TAG}}`,
              ...outsideSecretsManager,
            },
          },
        }),
      );
    });
  });
});

describe('user pool (Cognito): the identity behind the JWT authorizer', () => {
  it('lives with the data, operators create users, MFA required, strong passwords, team and role attributes', () => {
    dev.statelessTemplate.resourceCountIs('AWS::Cognito::UserPool', 0);
    dev.statefulTemplate.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      Policies: {
        PasswordPolicy: Match.objectLike({
          MinimumLength: 12,
          RequireLowercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
          RequireUppercase: true,
        }),
      },
      Schema: Match.arrayWith([
        Match.objectLike({ Name: 'team_id', Mutable: false }),
        Match.objectLike({ Name: 'role', Mutable: true }),
      ]),
      AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
    });
  });

  it('MFA follows the stage configuration', () => {
    const optional = synthStage({ ...stageConfigs.dev, mfaRequired: false });
    optional.statefulTemplate.hasResourceProperties('AWS::Cognito::UserPool', {
      MfaConfiguration: 'OPTIONAL',
    });
  });

  it('prod turns on threat protection (Plus plan); dev stays on Essentials', () => {
    prod.statefulTemplate.hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
    });
    dev.statefulTemplate.hasResourceProperties('AWS::Cognito::UserPool', { UserPoolTier: 'ESSENTIALS' });
  });

  it('the web client has no secret, no hosted-UI OAuth flows, and cannot write team or role', () => {
    const [client] = ofType(dev, 'AWS::Cognito::UserPoolClient');
    expect(client?.Properties).toMatchObject({
      GenerateSecret: false,
      AllowedOAuthFlowsUserPoolClient: false,
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: true,
      IdTokenValidity: dev.config.tokenValidity.toMinutes(),
    });
    expect(client?.Properties.AllowedOAuthFlows).toBeUndefined();
    expect(client?.Properties.CallbackURLs).toBeUndefined();
    expect(client?.Properties.ExplicitAuthFlows).toContain('ALLOW_USER_SRP_AUTH');
    // A user who could write custom:role or custom:team_id could make themselves admin of any team.
    const writable = client?.Properties.WriteAttributes as string[];
    expect(writable.length).toBeGreaterThan(0);
    expect(writable.filter((attribute) => attribute.startsWith('custom:'))).toEqual([]);
  });

  it('publishes the pool and client ids for operators and the frontend', () => {
    dev.statefulTemplate.hasOutput('UserPoolId', {});
    dev.statefulTemplate.hasOutput('UserPoolClientId', {});
  });
});
