import { z } from 'zod';
import type { LocalRoute } from './api-server';
import { issueToken, type SigningKeys } from './jwt';

/**
 * `POST /_local/token` — the local run's sign-in for the team page: any team, role and e-mail, signed by the
 * same local issuer `npm run token` uses and the local gateway verifies. It exists only in the local run; in AWS
 * the page signs in through Cognito.
 */
const request = z.strictObject({
  team_id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1–64 letters, digits, "_" or "-"'),
  role: z.enum(['admin', 'member']),
  email: z.email('must be an e-mail address').optional(),
});

export function localSignInRoute(keys: SigningKeys): LocalRoute {
  return async (_request, body) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body || '{}');
    } catch {
      return { status: 400, body: { title: 'Invalid request', detail: 'The body is not JSON.' } };
    }
    const result = request.safeParse(parsed);
    if (!result.success) {
      return {
        status: 400,
        body: {
          title: 'Invalid request',
          detail: result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '),
        },
      };
    }
    const { team_id: teamId, role, email } = result.data;
    return {
      status: 200,
      body: { token: await issueToken(keys, { teamId, role, ...(email ? { email } : {}) }) },
    };
  };
}
