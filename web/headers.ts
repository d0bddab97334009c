/**
 * The headers the team page is served with, written once: CloudFront's response headers policy in AWS
 * (lib/constructs/web-site.ts) and the local gateway (local/api-server.ts) send the same.
 *
 * The Content-Security-Policy allows the page's own files, its API on the same origin, and its sign-in service
 * (Cognito's hosted sign-in in AWS; the code is exchanged from the page, PKCE): no inline script or style, no eval.
 */
export const COGNITO_ORIGINS = ['https://*.amazoncognito.com'] as const;

export function contentSecurityPolicy(signInOrigins: readonly string[] = COGNITO_ORIGINS): string {
  const signIn = signInOrigins.map((origin) => ` ${origin}`).join('');
  return [
    "default-src 'self'",
    `connect-src 'self'${signIn}`,
    "img-src 'self' data:",
    "style-src 'self'",
    "script-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    `form-action 'self'${signIn}`,
  ].join('; ');
}

export const CONTENT_SECURITY_POLICY = contentSecurityPolicy();
