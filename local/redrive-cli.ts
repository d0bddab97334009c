/**
 * `npm run redrive`: moves every provider's dead-lettered sync jobs back to its queue in the running local pipeline
 * (started by npm start), as "Start DLQ redrive" does in AWS.
 */
import { localPort } from './config';

const url = `http://127.0.0.1:${localPort()}/_local/redrive`;
try {
  const response = await fetch(url, { method: 'POST' });
  const body = (await response.json()) as { redriven: { provider: string; moved: number }[] };
  for (const result of body.redriven) {
    console.log(`${result.provider}: ${result.moved} dead-lettered sync jobs moved back to the queue`);
  }
} catch {
  console.error(`No local pipeline answers at ${url}. Start it first with: npm start`);
  process.exit(1);
}
