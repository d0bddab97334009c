/**
 * `npm run token -- --team <id> --role admin|member [--email <address>]`: prints a token the local API accepts.
 * With `--email`, the token carries that (verified) e-mail: GET /dashboard/me finds its owner through the roster.
 */
import { parseArgs } from 'node:util';
import { DEMO_TEAM, SIGNING_KEYS_FILE } from './config';
import { issueToken, loadOrCreateSigningKeys } from './jwt';

const { values } = parseArgs({
  options: {
    team: { type: 'string', default: DEMO_TEAM },
    role: { type: 'string', default: 'admin' },
    subject: { type: 'string' },
    email: { type: 'string' },
    ttl: { type: 'string', default: String(12 * 3600) },
  },
});
if (values.role !== 'admin' && values.role !== 'member') {
  console.error('--role must be admin or member');
  process.exit(2);
}
if (values.email !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(values.email)) {
  console.error('--email must be an e-mail address (name@example.org)');
  process.exit(2);
}
if (!/^[A-Za-z0-9_-]{1,64}$/.test(values.team)) {
  console.error('--team must be 1-64 letters, digits, "-" or "_"');
  process.exit(2);
}
const keys = await loadOrCreateSigningKeys(SIGNING_KEYS_FILE);
console.log(
  await issueToken(keys, {
    teamId: values.team,
    role: values.role,
    ttlSeconds: Number(values.ttl),
    ...(values.subject ? { subject: values.subject } : {}),
    ...(values.email ? { email: values.email } : {}),
  }),
);
