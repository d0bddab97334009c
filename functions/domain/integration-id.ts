import { createHash } from 'node:crypto';

/**
 * One integration per team × provider × provider account: reconnecting the same account (e.g. to
 * rotate its key) finds the same integration, so its history is neither orphaned nor counted twice.
 */
export function integrationIdFor(teamId: string, provider: string, accountId: string): string {
  const digest = createHash('sha256')
    .update(`${teamId}\u0000${provider}\u0000${accountId}`)
    .digest('base64url');
  return `int_${digest.slice(0, 22).replace(/[-_]/g, 'x')}`;
}
