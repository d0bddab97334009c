import type { FakeDemo } from '../demo';
import { DEMO_ANTHROPIC_ADMIN_KEY, startFakeAnthropic } from './server';

export const demo: FakeDemo = {
  async start() {
    const fake = await startFakeAnthropic({ developers: 12, historyDays: 120, seed: 'demo' });
    return {
      url: fake.url,
      apiKey: DEMO_ANTHROPIC_ADMIN_KEY,
      options: {},
      label: 'Fake Anthropic Admin API (12 developers, deterministic data)',
      close: () => fake.close(),
    };
  },
};
