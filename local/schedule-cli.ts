/** `npm run schedule`: fires the daily sync once in the running local pipeline (started by npm start). */
import { localPort } from './config';

const url = `http://127.0.0.1:${localPort()}/_local/schedule`;
try {
  const response = await fetch(url, { method: 'POST' });
  const body = (await response.json()) as {
    fired: { provider: string; integrations: number; jobs: number }[];
  };
  for (const result of body.fired) {
    console.log(
      `${result.provider}: queued ${result.jobs} sync jobs for ${result.integrations} integrations`,
    );
  }
} catch {
  console.error(`No local pipeline answers at ${url}. Start it first with: npm start`);
  process.exit(1);
}
