import { Aws, type Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { AnyPrincipal, Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/** The encryption context every provider key is encrypted under (functions/adapters/secrets). */
export const SECRET_CONTEXT_KEYS = ['team_id', 'integration_id', 'provider'] as const;

/** Role tag that reserves direct use of the key: connect's role is tagged `encrypt`, fetchers' `decrypt`. */
export const SECRETS_ROLE_TAG = 'ai-usage-secrets-role';
export const SECRETS_ROLE_ENCRYPT = 'encrypt';
export const SECRETS_ROLE_DECRYPT = 'decrypt';
/** Role tag naming the one provider whose keys a fetcher may decrypt. */
export const SECRETS_PROVIDER_TAG = 'ai-usage-provider';

const ENCRYPT_ACTIONS = ['kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'];

export interface ProviderSecretsKeyProps {
  removalPolicy: RemovalPolicy;
  pendingWindow: Duration;
}

/**
 * The customer-managed key of provider API keys, and nothing else.
 *
 * A provider key is encrypted twice: directly with KMS under the context {team_id, integration_id,
 * provider} (the ciphertext is what is stored), and by Secrets Manager's own envelope encryption of the
 * stored secret with the same key. The key policy:
 * - delegates to IAM in the account (CDK's default root statement), so each role's own policy says what it may
 *   do; the roles live in the stateless stack, and naming them here would tie the two stacks in a cycle;
 * - denies any direct (not via Secrets Manager) use without each of the three context keys;
 * - denies direct encryption to every principal not tagged `ai-usage-secrets-role=encrypt` (connect) and
 *   direct decryption to every principal not tagged `…=decrypt` (fetchers);
 * - denies direct decryption when the ciphertext's `provider` context differs from the caller's
 *   `ai-usage-provider` tag, so a fetcher can only ever read its own provider's keys.
 * Secrets Manager's envelope calls pass (`kms:ViaService`); they yield only the outer layer, which is the
 * context-bound ciphertext, useless without a direct Decrypt.
 * Residual trust: whoever may tag IAM roles in the account (iam:TagRole) could tag a role into these groups;
 * keep that permission with administrators, or guard the two tag keys with a service control policy.
 */
export class ProviderSecretsKey extends Construct {
  readonly key: Key;

  constructor(scope: Construct, id: string, props: ProviderSecretsKeyProps) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: `AI usage: provider API keys (encryption context ${SECRET_CONTEXT_KEYS.join(', ')} required)`,
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy,
      pendingWindow: props.pendingWindow,
    });
    const outsideSecretsManager = { 'kms:ViaService': `secretsmanager.${Aws.REGION}.amazonaws.com` };
    const deny = (sid: string, actions: string[], conditions: Record<string, Record<string, unknown>>) =>
      this.key.addToResourcePolicy(
        new PolicyStatement({
          sid,
          effect: Effect.DENY,
          principals: [new AnyPrincipal()],
          actions,
          resources: ['*'],
          conditions,
        }),
      );

    for (const contextKey of SECRET_CONTEXT_KEYS) {
      // One statement per key: the keys of one Null block are ANDed, so a single block would only deny
      // when all three are missing.
      deny(`RequireContext${contextKey.replace(/_/g, '')}`, [...ENCRYPT_ACTIONS, 'kms:Decrypt'], {
        StringNotEquals: outsideSecretsManager,
        Null: { [`kms:EncryptionContext:${contextKey}`]: 'true' },
      });
    }
    deny('OnlyConnectEncrypts', ENCRYPT_ACTIONS, {
      StringNotEquals: {
        [`aws:PrincipalTag/${SECRETS_ROLE_TAG}`]: SECRETS_ROLE_ENCRYPT,
        ...outsideSecretsManager,
      },
    });
    deny('OnlyFetchersDecrypt', ['kms:Decrypt'], {
      StringNotEquals: {
        [`aws:PrincipalTag/${SECRETS_ROLE_TAG}`]: SECRETS_ROLE_DECRYPT,
        ...outsideSecretsManager,
      },
    });
    deny('FetchersDecryptOnlyTheirProvider', ['kms:Decrypt'], {
      StringNotEquals: {
        'kms:EncryptionContext:provider': `\${aws:PrincipalTag/${SECRETS_PROVIDER_TAG}}`,
        ...outsideSecretsManager,
      },
    });
  }
}
