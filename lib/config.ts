import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';

/** Everything that differs between stages, typed. bin/app.ts picks one with `-c stage=dev|prod`. */
export type StageName = 'dev' | 'prod';

export const STAGE_NAMES: readonly StageName[] = ['dev', 'prod'];

export interface StageConfig {
  stage: StageName;
  /**
   * What happens to data (tables, keys, user pool, log groups) when the stack is deleted or a resource
   * replaced: DESTROY in dev (a dev stage is disposable), RETAIN anywhere else.
   */
  removalPolicy: RemovalPolicy;
  /** Deletion protection on tables and the user pool, termination protection on the stacks. */
  protectFromDeletion: boolean;
  /** Days a scheduled KMS key deletion waits (7-30); only reached when removalPolicy is DESTROY. */
  keyPendingWindow: Duration;
  logRetention: RetentionDays;
  /** Stage-wide API throttling (requests per second, burst). */
  apiThrottle: { rateLimit: number; burstLimit: number };
  /**
   * The OTLP route's own throttling (every team's machines together; requests per second, burst), apart from the
   * stage's so telemetry neither starves nor is starved by the pages, and each team's limit within it (requests a
   * minute, counted by the function: HTTP APIs throttle per route, not per caller).
   */
  telemetryThrottle: { rateLimit: number; burstLimit: number; teamRequestsPerMinute: number };
  /** Cognito MFA (TOTP): required, or offered to users who want it. */
  mfaRequired: boolean;
  /** Cognito threat protection needs the Plus feature plan (billed per monthly active user). */
  threatProtection: boolean;
  /** How long ID and access tokens live. */
  tokenValidity: Duration;
  /**
   * Receives alarm notifications: stage configuration, kept in cdk.json (`"alarmEmails": {"prod": "…"}`), so a
   * later deploy cannot drop the subscription by leaving out a command-line flag.
   */
  alarmEmail?: string;
  /** A stage that must notify someone: synth fails without an alarm e-mail. */
  alarmEmailRequired: boolean;
}

export const stageConfigs: Record<StageName, StageConfig> = {
  dev: {
    stage: 'dev',
    removalPolicy: RemovalPolicy.DESTROY,
    protectFromDeletion: false,
    keyPendingWindow: Duration.days(7),
    logRetention: RetentionDays.ONE_WEEK,
    apiThrottle: { rateLimit: 20, burstLimit: 40 },
    telemetryThrottle: { rateLimit: 50, burstLimit: 100, teamRequestsPerMinute: 600 },
    mfaRequired: true,
    threatProtection: false,
    tokenValidity: Duration.hours(8),
    alarmEmailRequired: false,
  },
  prod: {
    stage: 'prod',
    removalPolicy: RemovalPolicy.RETAIN,
    protectFromDeletion: true,
    keyPendingWindow: Duration.days(30),
    logRetention: RetentionDays.THREE_MONTHS,
    apiThrottle: { rateLimit: 100, burstLimit: 200 },
    // 30 teams of 1,000 developers exporting every 60 s; a team up to six times that steady load.
    telemetryThrottle: { rateLimit: 500, burstLimit: 1000, teamRequestsPerMinute: 6000 },
    mfaRequired: true,
    threatProtection: true,
    tokenValidity: Duration.hours(1),
    alarmEmailRequired: true,
  },
};

/** The configuration of a stage by name; an unknown name fails with the names that exist. */
export function stageConfig(name: unknown, overrides: Partial<Omit<StageConfig, 'stage'>> = {}): StageConfig {
  if (!STAGE_NAMES.includes(name as StageName)) {
    throw new Error(`Unknown stage "${String(name)}": use -c stage=${STAGE_NAMES.join('|')}`);
  }
  return { ...stageConfigs[name as StageName], ...overrides };
}

/** cdk.json's context key of the alarm e-mail per stage. */
export const ALARM_EMAILS_CONTEXT = 'alarmEmails';

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** Refuses a configuration that would deploy a stage nobody hears from, or with a mistyped address. */
export function assertDeployable(config: StageConfig): void {
  if (config.alarmEmail !== undefined && !EMAIL.test(config.alarmEmail)) {
    throw new Error(`The alarm e-mail of stage ${config.stage} is not an e-mail address: check cdk.json.`);
  }
  if (config.alarmEmailRequired && !config.alarmEmail) {
    throw new Error(
      `Stage ${config.stage} needs an alarm e-mail, or its alarms notify nobody. Set it in cdk.json, where every ` +
        `deploy reads it: "context": { "${ALARM_EMAILS_CONTEXT}": { "${config.stage}": "ops@your-company.example" } }.`,
    );
  }
}

/** Where Secrets Manager keeps a stage's provider keys: `${prefix}/${teamId}/${integrationId}`. */
export const secretNamePrefix = (config: StageConfig): string => `ai-usage/${config.stage}`;

/** CloudWatch namespace of the functions' custom metrics (Powertools). */
export const METRICS_NAMESPACE = 'AiUsage';
