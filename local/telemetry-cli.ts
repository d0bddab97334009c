/**
 * `npm run telemetry`: with `npm start` running, makes an ingest token for the demo team and sends today's Claude
 * Code metrics of three demo people over OTLP/HTTP with the OpenTelemetry SDK, as Claude Code's exporter would
 * (local/claude-code-telemetry.ts). They are roster people also on the demo Enterprise seats: the dashboard
 * counts each of them once, under Claude Code.
 */
import { API_BASE_PATH } from '../functions/routes';
import { sendClaudeCodeTelemetry } from './claude-code-telemetry';
import { DEMO_TEAM, LOCAL_TELEMETRY_REBUILD_DELAY_MS, SIGNING_KEYS_FILE, localPort } from './config';
import { demoPerson } from './fakes/shared/people';
import { issueToken, loadOrCreateSigningKeys } from './jwt';

const base = `http://127.0.0.1:${localPort()}${API_BASE_PATH}`;
const admin = await issueToken(await loadOrCreateSigningKeys(SIGNING_KEYS_FILE), {
  teamId: DEMO_TEAM,
  role: 'admin',
});
let made: Response;
try {
  made = await fetch(`${base}/ingest-tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'npm run telemetry' }),
  });
} catch {
  console.error(`No local pipeline answers at ${base}. Start it first with: npm start`);
  process.exit(1);
}
if (made.status !== 201) {
  console.error(`Making an ingest token failed: ${made.status} ${await made.text()}`);
  process.exit(1);
}
const { token, ingest_token } = (await made.json()) as { token: string; ingest_token: { token_id: string } };
const people = [12, 13, 14].map((index) => ({ email: demoPerson(index).email, seed: index }));
const sent = await sendClaudeCodeTelemetry({ endpoint: `${base}/otlp/v1/metrics`, token, people });
for (const figures of sent) {
  console.log(
    `${figures.email}: ${figures.sessions} sessions, ${figures.lines_added} lines added, ${figures.commits} commits, ` +
      `${figures.edits_accepted}/${figures.edits_accepted + figures.edits_rejected} edits accepted`,
  );
}
console.log(
  `Sent over OTLP/HTTP (protobuf) with ingest token ${ingest_token.token_id}; revoke it with ` +
    `DELETE ${base}/ingest-tokens/${ingest_token.token_id}.`,
);
console.log(
  `Today's figures reach the dashboard when the day is rebuilt, about ${LOCAL_TELEMETRY_REBUILD_DELAY_MS / 1000} s ` +
    'from now (the stack waits a minute, building every change of that minute at once).',
);
