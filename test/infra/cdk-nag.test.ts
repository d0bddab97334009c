import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Validations, type App, type Environment } from 'aws-cdk-lib';
import { CfnLogGroup } from 'aws-cdk-lib/aws-logs';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import type { StageConfig } from '../../lib/config';
import { deployable, synthStage } from './helpers';

/**
 * cdk-nag's AwsSolutions checks over the whole app (both stacks), read from the validation report synthesis
 * writes: no finding is left unacknowledged, every acknowledgement is one of the kinds reviewed here (with a
 * reason), none is stale, and a new finding fails synthesis. CDK's own CloudFormation rules find nothing
 * either, and a finding of theirs fails synthesis too (@aws-cdk/core:validateAgainstDefaultRules).
 */
interface SuppressedViolation {
  ruleName: string;
  acknowledgedId: string;
  acknowledgedAt: string;
  reason: string;
  violatingConstructs: { constructPath: string }[];
}
interface ValidationReport {
  pluginReports: {
    pluginName: string;
    conclusion: string;
    violations: unknown[];
    suppressedViolations: SuppressedViolation[];
  }[];
}

const outdirs: string[] = [];
/** A whole-app synthesis with both rule sets; the first one also loads CloudFormation's rule engine. */
const SYNTH_TIMEOUT = 30_000;
afterAll(() => outdirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const readReport = (outdir: string) =>
  JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as ValidationReport;

function synthesize(config: StageConfig, tamper?: (app: App) => void, env?: Environment) {
  const outdir = mkdtempSync(join(tmpdir(), `cdk-nag-${config.stage}-`));
  outdirs.push(outdir);
  const { app } = synthStage(config, { outdir, ...(env ? { env } : {}) });
  tamper?.(app);
  app.synth();
  const report = readReport(outdir);
  const awsSolutions = report.pluginReports.find((p) => p.pluginName === 'AwsSolutions');
  if (!awsSolutions) throw new Error('cdk-nag AwsSolutions did not run');
  return { app, report: awsSolutions, others: report.pluginReports.filter((p) => p !== awsSolutions) };
}

/** Every kind of acknowledgement the app may make, where it may make it, and when. */
function allowed(config: StageConfig, violation: SuppressedViolation): boolean {
  const paths = violation.violatingConstructs.map((c) => c.constructPath);
  const onFunctionRoles = paths.every((p) =>
    /\/(\w+Function|Provider-[\w-]+\/(Scheduler|Fetcher)|Attribution\/Worker|Imports\/Worker|Telemetry\/Worker)\/Role\/DefaultPolicy\/Resource$/.test(
      p,
    ),
  );
  // The role of CDK's page deployment handler (aws-s3-deployment), and the page's distribution (web-site.ts).
  const onPageDeploymentRole = paths.every((p) =>
    /\/WebSite\/DeploymentRole\/DefaultPolicy\/Resource$/.test(p),
  );
  const onPageDistribution = paths.every((p) => /\/WebSite\/Distribution\/Resource$/.test(p));
  const rule = violation.ruleName;
  // X-Ray on function roles (asserted in least-privilege); CloudFront invalidations on the page deployment's role
  // (asserted in web-site.test.ts).
  if (rule === 'AwsSolutions-IAM5[Resource::*]') return onFunctionRoles || onPageDeploymentRole;
  if (/^AwsSolutions-IAM5\[Action::s3:(GetObject|GetBucket|List|DeleteObject|Abort)\*\]$/.test(rule)) {
    return onPageDeploymentRole;
  }
  if (/^AwsSolutions-IAM5\[Resource::<WebSiteFiles[0-9A-F]{8}\.Arn>\/\*\]$/.test(rule)) {
    return onPageDeploymentRole;
  }
  if (
    /^AwsSolutions-IAM5\[Resource::arn:(<AWS::Partition>|aws):s3:::cdk-hnb659fds-assets-(<AWS::AccountId>|\d{12})-(<AWS::Region>|[a-z0-9-]+)\/\*\]$/.test(
      rule,
    )
  ) {
    return onPageDeploymentRole;
  }
  if (rule === 'AwsSolutions-L1') {
    return paths.every((p) => /\/Custom::CDKBucketDeployment[0-9A-F]{32}\/Resource$/.test(p));
  }
  if (['AwsSolutions-CFR1', 'AwsSolutions-CFR2', 'AwsSolutions-CFR4'].includes(rule)) {
    return onPageDistribution;
  }
  if (/^AwsSolutions-IAM5\[Resource::<[\w-]*Logs[0-9A-F]{8}\.Arn>:\*\]$/.test(rule)) return onFunctionRoles;
  if (/^AwsSolutions-IAM5\[Resource::<ImportsUploads[0-9A-F]{8}\.Arn>\/imports\/\*\]$/.test(rule)) {
    return paths.every((p) => /\/(ImportsFunction|Imports\/Worker)\/Role\/DefaultPolicy\/Resource$/.test(p));
  }
  if (
    rule ===
    `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:ai-usage/${config.stage}/*]`
  ) {
    return paths.every((p) =>
      /\/(ConnectFunction|IntegrationsFunction|Provider-[\w-]+\/Fetcher)\/Role\//.test(p),
    );
  }
  if (rule === 'AwsSolutions-APIG4')
    return paths.every((p) =>
      /\/Api\/Default\/GET--api--ai-usage--(health|openapi\.json|imports--template\.csv)\/Resource$/.test(p),
    );
  if (rule === 'AwsSolutions-COG8') return !config.threatProtection;
  if (rule === 'AwsSolutions-COG2') return !config.mfaRequired;
  return false;
}

function recordedAcknowledgements(app: App): { at: string; id: string; reason: string }[] {
  return app.node.findAll().flatMap((node) =>
    node.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) =>
        Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({
          at: node.node.path,
          id,
          reason,
        })),
      ),
  );
}

/** `cdk deploy` binds the stacks to the account and region of the credentials (partitions become literals). */
const deployed: Environment = { account: '123456789012', region: 'eu-west-1' };
const configurations: [string, StageConfig, Environment | undefined][] = [
  // Every row names its environment (jest would take a missing last argument for a `done` callback).
  ['dev', deployable('dev'), undefined],
  ['prod', deployable('prod'), undefined],
  ['dev with optional MFA', { ...deployable('dev'), mfaRequired: false }, undefined],
  ['prod bound to an account and region', deployable('prod'), deployed],
];

describe('cdk-nag AwsSolutions over the whole app', () => {
  it.each(configurations)(
    '%s: no unacknowledged finding, only reviewed acknowledgements, each with a reason',
    (_name, config, env) => {
      const { report, others } = synthesize(config, undefined, env);
      expect(report.violations).toEqual([]);
      expect(others.flatMap((p) => p.violations)).toEqual([]);
      expect(report.conclusion).toBe('success');
      expect(report.suppressedViolations.length).toBeGreaterThan(0);
      for (const violation of report.suppressedViolations) {
        expect({ rule: violation.ruleName, allowed: allowed(config, violation) }).toEqual({
          rule: violation.ruleName,
          allowed: true,
        });
        // A reason names why, not just "suppressed" or "ok".
        expect(violation.reason.length).toBeGreaterThan(60);
      }
    },
    SYNTH_TIMEOUT,
  );

  it.each(configurations)(
    '%s: no stale acknowledgement (each one suppresses a finding)',
    (_name, config, env) => {
      const { app, report } = synthesize(config, undefined, env);
      const used = new Set(report.suppressedViolations.map((v) => `${v.acknowledgedAt} ${v.acknowledgedId}`));
      const recorded = recordedAcknowledgements(app);
      expect(recorded.length).toBeGreaterThan(0);
      expect(recorded.map((a) => `${a.at} ${a.id}`).filter((key) => !used.has(key))).toEqual([]);
    },
    SYNTH_TIMEOUT,
  );

  it('prod acknowledges neither the Cognito plan nor MFA: both are on', () => {
    const { report } = synthesize(deployable('prod'));
    expect(
      report.suppressedViolations.map((v) => v.ruleName).filter((r) => r.startsWith('AwsSolutions-COG')),
    ).toEqual([]);
  });

  it('fails synthesis on a finding nobody acknowledged (the check can fail)', () => {
    expect(() =>
      synthesize(deployable('dev'), (app) => {
        // No DLQ, no TLS enforcement, no encryption: several AwsSolutions findings.
        new Queue(app.node.findChild('AiUsage-dev-Stateless'), 'CarelessQueue', {});
      }),
    ).toThrow(/AwsSolutions-SQS/);
  });

  it('fails synthesis on a template CloudFormation would reject, which no cdk-nag rule looks at', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'cdk-validate-'));
    outdirs.push(outdir);
    const { app } = synthStage(deployable('dev'), { outdir });
    // A misspelt property (RetentionInDays) that CloudFormation would refuse at deploy time.
    new CfnLogGroup(app.node.findChild('AiUsage-dev-Stateless'), 'Misspelt').addPropertyOverride(
      'RetentionDays',
      7,
    );
    expect(() => app.synth()).toThrow(/RetentionDays: Additional properties are not allowed/);
    const { pluginReports } = readReport(outdir);
    expect(pluginReports.find((p) => p.pluginName === 'CloudFormation Validate')?.conclusion).toBe('failure');
    expect(pluginReports.find((p) => p.pluginName === 'AwsSolutions')?.violations).toEqual([]);
  });
});
