import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { SignJWT, exportJWK, generateKeyPair, importJWK, jwtVerify, type JWK, type JWTPayload } from 'jose';
import { ROLE_CLAIM, TEAM_CLAIM } from '../functions/shared/auth';

/**
 * Local tokens: ES256 JWTs signed with a key kept in a git-ignored file, verified the way API
 * Gateway's JWT authorizer verifies Cognito ID tokens (signature, issuer, audience, expiry).
 */
export const LOCAL_ISSUER = 'http://127.0.0.1/local-issuer';
export const LOCAL_AUDIENCE = 'ai-usage-local';

export interface SigningKeys {
  privateJwk: JWK;
  publicJwk: JWK;
}

export async function loadOrCreateSigningKeys(file: string): Promise<SigningKeys> {
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as SigningKeys;
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = `local-${Date.now()}`;
  const keys: SigningKeys = {
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'ES256' },
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256' },
  };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(keys, null, 2), { mode: 0o600 });
  return keys;
}

export async function issueToken(
  keys: SigningKeys,
  claims: { teamId: string; role: 'admin' | 'member'; subject?: string; email?: string; ttlSeconds?: number },
): Promise<string> {
  const key = await importJWK(keys.privateJwk, 'ES256');
  return new SignJWT({
    [TEAM_CLAIM]: claims.teamId,
    [ROLE_CLAIM]: claims.role,
    token_use: 'id',
    // As Cognito puts it in ID tokens: the e-mail, and whether its owner proved it.
    ...(claims.email ? { email: claims.email, email_verified: true } : {}),
  })
    .setProtectedHeader({ alg: 'ES256', kid: keys.privateJwk.kid as string })
    .setIssuer(LOCAL_ISSUER)
    .setAudience(LOCAL_AUDIENCE)
    .setSubject(claims.subject ?? `local-${claims.role}@${claims.teamId}`)
    .setIssuedAt()
    .setExpirationTime(`${claims.ttlSeconds ?? 12 * 3600}s`)
    .sign(key);
}

export function createVerifier(keys: SigningKeys): (token: string) => Promise<JWTPayload> {
  const keyPromise = importJWK(keys.publicJwk, 'ES256');
  return async (token) => {
    const { payload } = await jwtVerify(token, await keyPromise, {
      issuer: LOCAL_ISSUER,
      audience: LOCAL_AUDIENCE,
      algorithms: ['ES256'],
    });
    return payload;
  };
}
