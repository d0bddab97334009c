import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';

/** Everything that differs between stages, typed. bin/app.ts picks one with `-c stage=dev|prod`. */
export type StageName = 'dev' | 'prod';

export interface StageConfig {
  stage: StageName;
  /** Tables and keys: destroyed with a dev stack, kept (RETAIN) anywhere else. */
  removalPolicy: RemovalPolicy;
  logRetention: RetentionDays;
  apiThrottle: { rateLimit: number; burstLimit: number };
  /** Cognito threat protection needs the Plus feature plan (billed per user). */
  threatProtection: boolean;
  /** Receives alarm notifications when set. */
  alarmEmail?: string;
  /** How long an ID token lives. */
  tokenValidity: Duration;
}

export const stageConfigs: Record<StageName, StageConfig> = {
  dev: {
    stage: 'dev',
    removalPolicy: RemovalPolicy.DESTROY,
    logRetention: RetentionDays.ONE_WEEK,
    apiThrottle: { rateLimit: 20, burstLimit: 40 },
    threatProtection: false,
    tokenValidity: Duration.hours(8),
  },
  prod: {
    stage: 'prod',
    removalPolicy: RemovalPolicy.RETAIN,
    logRetention: RetentionDays.THREE_MONTHS,
    apiThrottle: { rateLimit: 100, burstLimit: 200 },
    threatProtection: true,
    tokenValidity: Duration.hours(1),
  },
};

export function stageConfig(name: unknown, overrides: Partial<StageConfig> = {}): StageConfig {
  if (name !== 'dev' && name !== 'prod') {
    throw new Error(`Unknown stage "${String(name)}": use -c stage=dev or -c stage=prod`);
  }
  return { ...stageConfigs[name], ...overrides };
}
