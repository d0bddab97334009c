import type { FakeDemo } from '../demo';
import { DEMO_CURSOR_KEY, startFakeCursor } from './server';

export const demo: FakeDemo = {
  async start() {
    const fake = await startFakeCursor({
      developers: 10,
      removedDevelopers: 1,
      historyDays: 120,
      seed: 'demo',
    });
    return {
      url: fake.url,
      apiKey: DEMO_CURSOR_KEY,
      options: {},
      label: `Fake Cursor Admin API, Enterprise team ${fake.teamId} (10 members, 1 removed, 120 days of usage; 20 requests/min)`,
      close: () => fake.close(),
    };
  },
};
