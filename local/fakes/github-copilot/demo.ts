import type { FakeDemo } from '../demo';
import { DEMO_GITHUB_TOKEN, startFakeGitHub } from './server';

export const demo: FakeDemo = {
  async start() {
    const fake = await startFakeGitHub({ developers: 15, historyDays: 120, seed: 'demo' });
    return {
      url: fake.url,
      apiKey: DEMO_GITHUB_TOKEN,
      options: { org: fake.organization.login },
      label: `Fake GitHub API, Copilot org "${fake.organization.login}" (15 seats, reports with signed NDJSON links)`,
      close: () => fake.close(),
    };
  },
};
