import { App } from 'aws-cdk-lib';
import { buildApp } from '../../lib/app';
import { stageConfig } from '../../lib/config';
import { cdkContext, resourcesOf, synthStage, TEST_ALARM_EMAIL } from './helpers';

/** What a first deploy on a fresh account, and every later one, depends on. */
describe('deploy safety', () => {
  const dev = synthStage('dev');

  describe('cross-stack references do not lock the stateful stack', () => {
    const stateless = JSON.stringify(dev.statelessTemplate.toJSON());
    const statefulOutputs = (dev.statefulTemplate.toJSON().Outputs ?? {}) as Record<
      string,
      { Export?: unknown }
    >;

    it('the stateless stack imports no export: a table, key or user pool can be replaced', () => {
      expect(stateless).not.toContain('Fn::ImportValue');
      expect(Object.entries(statefulOutputs).filter(([, output]) => output.Export)).toEqual([]);
    });

    it('it reads the stateful stack’s outputs at deploy time instead (weak references)', () => {
      const reads = [...stateless.matchAll(/"Fn::GetStackOutput":\{"StackName":"([^"]+)"/g)].map((m) => m[1]);
      expect(reads.length).toBeGreaterThan(0);
      expect(new Set(reads)).toEqual(new Set([dev.stateful.stackName]));
    });

    it('and is deployed after it, so a replaced resource is read anew', () => {
      expect(dev.stateless.dependencies).toContain(dev.stateful);
    });
  });

  describe('alarm e-mail', () => {
    const build = (overrides: Parameters<typeof stageConfig>[1]) =>
      buildApp(
        new App({ context: { ...cdkContext, 'aws:cdk:bundling-stacks': [] } }),
        stageConfig('prod', overrides),
      );

    it('a prod synth without one fails, saying where to set it', () => {
      expect(() => build({})).toThrow(
        /Stage prod needs an alarm e-mail.*cdk\.json.*"alarmEmails": \{ "prod": "ops@your-company\.example" \}/,
      );
    });

    it('a mistyped one fails', () => {
      expect(() => build({ alarmEmail: 'ops at example' })).toThrow(/not an e-mail address/);
    });

    it('a prod synth with one subscribes it', () => {
      const topicSubscriptions = Object.values(resourcesOf(synthStage('prod').statelessTemplate)).filter(
        (resource) => resource.Type === 'AWS::SNS::Subscription',
      );
      expect(topicSubscriptions.map((s) => s.Properties.Endpoint)).toEqual([TEST_ALARM_EMAIL]);
    });

    it('is stage configuration in cdk.json, read on every deploy, for every stage', () => {
      expect(Object.keys(cdkContext.alarmEmails as Record<string, string>).sort()).toEqual(['dev', 'prod']);
    });
  });
});
