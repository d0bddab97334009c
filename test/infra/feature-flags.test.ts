import { CURRENTLY_RECOMMENDED_FLAGS, FLAGS } from 'aws-cdk-lib/cx-api';
import { stackTags } from '../../lib/app';
import { cdkContext, resourcesOf, synthStage } from './helpers';

/**
 * cdk.json carries the feature flags a new CDK app gets (aws-cdk-lib's current recommendations), so behaviour
 * does not shift under the app when CDK changes a default, and an upgrade that recommends a new flag fails
 * here until someone has reviewed what it changes. Each departure from a recommendation says why.
 */
const departures: Record<string, { value: unknown; reason: string }> = {};

describe('feature flags in cdk.json', () => {
  // Everything in cdk.json's context but the app's own settings (stage, alarm e-mails) is a feature flag.
  const flags = Object.fromEntries(
    Object.entries(cdkContext).filter(([key]) => key !== 'stage' && key !== 'alarmEmails'),
  );

  it('are every flag aws-cdk-lib recommends, at its recommended value or a departure listed here', () => {
    const departed = Object.fromEntries(Object.entries(departures).map(([key, { value }]) => [key, value]));
    expect(flags).toEqual({ ...CURRENTLY_RECOMMENDED_FLAGS, ...departed });
  });

  it('departs from a recommendation only for a reason (none today)', () => {
    for (const [key, departure] of Object.entries(departures)) {
      expect(key in FLAGS).toBe(true);
      expect(departure.value).not.toEqual(CURRENTLY_RECOMMENDED_FLAGS[key]);
      expect(departure.reason.length).toBeGreaterThan(60);
    }
  });
});

describe('what the flags change', () => {
  const dev = synthStage('dev');

  // @aws-cdk/core:explicitStackTags leaves Tags.of(stack) off the stack itself.
  it('both stacks carry the project and stage tags themselves', () => {
    for (const stack of [dev.stateful, dev.stateless]) {
      expect(stack.tags.tagValues()).toEqual(stackTags(dev.config));
    }
  });

  it('every resource that takes tags carries them too, written in the template', () => {
    const expected = Object.entries(stackTags(dev.config));
    const tagged = [dev.statefulTemplate, dev.statelessTemplate]
      .flatMap((t) => Object.values(resourcesOf(t)))
      .filter((r) => r.Properties?.Tags ?? r.Properties?.UserPoolTags);
    const types = new Set(tagged.map((r) => r.Type));
    for (const type of [
      'AWS::DynamoDB::Table',
      'AWS::KMS::Key',
      'AWS::Cognito::UserPool',
      'AWS::Lambda::Function',
      'AWS::IAM::Role',
      'AWS::SQS::Queue',
      'AWS::SNS::Topic',
    ]) {
      expect(types).toContain(type);
    }
    for (const resource of tagged) {
      const tags = resource.Properties.Tags ?? resource.Properties.UserPoolTags;
      const pairs = Array.isArray(tags)
        ? (tags as { Key: string; Value: unknown }[]).map((t) => [t.Key, t.Value])
        : Object.entries(tags as Record<string, unknown>);
      expect({ type: resource.Type, tags: pairs }).toEqual({
        type: resource.Type,
        tags: expect.arrayContaining(expected),
      });
    }
  });
});
