import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Validations } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { buildApp } from '../../lib/app';
import { stageConfig, type StageName } from '../../lib/config';

interface Acknowledged {
  id: string;
  reason: string;
}

/** cdk-nag (AwsSolutions) over the whole app: no unacknowledged finding; every acknowledgement explains itself. */
const outdirs: string[] = [];
afterAll(() => outdirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function synthesize(stage: StageName, tamper?: (app: App) => void) {
  const outdir = mkdtempSync(join(tmpdir(), `cdk-nag-${stage}-`));
  outdirs.push(outdir);
  const app = new App({
    context: { 'aws:cdk:bundling-stacks': [] },
    outdir,
  });
  buildApp(app, stageConfig(stage));
  tamper?.(app);
  return { app, run: () => app.synth() };
}

function acknowledgements(app: App): Acknowledged[] {
  return app.node
    .findAll()
    .flatMap((node) =>
      node.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY),
    )
    .flatMap((m) => Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({ id, reason })));
}

describe('cdk-nag AwsSolutions', () => {
  it.each<StageName>(['dev', 'prod'])('%s: synthesizes with no unacknowledged finding', (stage) => {
    const { run } = synthesize(stage);
    expect(run).not.toThrow();
  });

  it('fails synthesis when a finding is left unacknowledged (the check can fail)', () => {
    const { run } = synthesize('dev', (app) => {
      // A queue without a DLQ, TLS enforcement or encryption: several AwsSolutions findings.
      const stack = app.node.findChild('AiUsage-dev-Stateless');
      new Queue(stack, 'CarelessQueue');
    });
    expect(run).toThrow();
  });

  it('every acknowledgement names a rule and a real reason', () => {
    const { app } = synthesize('prod');
    const acks = acknowledgements(app);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(ack.id).toMatch(/^AwsSolutions::AwsSolutions-[A-Z0-9]+/);
      expect(ack.reason.length).toBeGreaterThan(40);
    }
    // Prod needs no Cognito plan acknowledgement: it is on the Plus plan.
    expect(acks.some((ack) => ack.id.includes('COG8'))).toBe(false);
  });
});
