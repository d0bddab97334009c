import { Validations } from 'aws-cdk-lib';
import {
  AccountRecovery,
  ClientAttributes,
  FeaturePlan,
  Mfa,
  StandardThreatProtectionMode,
  StringAttribute,
  UserPool,
  type UserPoolClient,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import type { StageConfig } from '../config';

/**
 * The Cognito user pool behind the API's JWT authorizer. Users carry `custom:team_id` (immutable) and
 * `custom:role` (admin | member) in their ID tokens; the handlers read both claims. Operators create users
 * (no self sign-up); the web client may write standard attributes only, so no user can move to another team or
 * promote themselves.
 */
export class UserDirectory extends Construct {
  readonly userPool: UserPool;
  readonly client: UserPoolClient;

  constructor(scope: Construct, id: string, config: StageConfig) {
    super(scope, id);
    this.userPool = new UserPool(this, 'Users', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      mfa: config.mfaRequired ? Mfa.REQUIRED : Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 12,
        requireDigits: true,
        requireLowercase: true,
        requireUppercase: true,
        requireSymbols: true,
      },
      customAttributes: {
        team_id: new StringAttribute({ minLen: 1, maxLen: 64, mutable: false }),
        role: new StringAttribute({ minLen: 5, maxLen: 6, mutable: true }),
      },
      featurePlan: config.threatProtection ? FeaturePlan.PLUS : FeaturePlan.ESSENTIALS,
      ...(config.threatProtection
        ? { standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION }
        : {}),
      removalPolicy: config.removalPolicy,
      deletionProtection: config.protectFromDeletion,
    });
    if (!config.threatProtection) {
      Validations.of(this.userPool).acknowledge({
        id: 'AwsSolutions::AwsSolutions-COG8',
        reason: `Stage ${config.stage} only: threat protection needs the Cognito Plus plan (billed per monthly active user); prod enables it (stageConfigs.prod.threatProtection).`,
      });
    }
    if (!config.mfaRequired) {
      Validations.of(this.userPool).acknowledge({
        id: 'AwsSolutions::AwsSolutions-COG2',
        reason: `Stage ${config.stage} only: MFA is offered (TOTP) but not required, by its StageConfig.mfaRequired; prod requires it.`,
      });
    }
    this.client = this.userPool.addClient('Web', {
      generateSecret: false,
      // SRP for the frontend; admin password auth only for operators holding IAM credentials (smoke tests).
      authFlows: { userSrp: true, adminUserPassword: true },
      // No hosted UI: without this CDK enables the implicit and code grants with an example.com callback.
      disableOAuth: true,
      idTokenValidity: config.tokenValidity,
      accessTokenValidity: config.tokenValidity,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      writeAttributes: new ClientAttributes().withStandardAttributes({ email: true, fullname: true }),
    });
  }
}
