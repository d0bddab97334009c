import type { FakeDemo } from '../demo';
import { DEMO_ENTERPRISE_ANALYTICS_KEY, startFakeClaudeEnterprise } from './server';

/**
 * The demo organisation moved its developers to claude.ai Enterprise seats 40 days ago: ten seat users, three of
 * whom also appear in the fake Claude Code Admin API (people 9–11), and days before that have no seats at all.
 */
export const demo: FakeDemo = {
  async start() {
    const fake = await startFakeClaudeEnterprise({
      seed: 'demo',
      firstPerson: 9,
      seatUsers: 10,
      planDays: 40,
    });
    return {
      url: fake.url,
      apiKey: DEMO_ENTERPRISE_ANALYTICS_KEY,
      options: {},
      label:
        'Fake Claude Enterprise Analytics API (10 seat users, 3 of them also Claude Code API users; 40 days on the plan; 60 requests/min)',
      close: () => fake.close(),
    };
  },
};
