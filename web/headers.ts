/**
 * The headers the team page is served with, written once: CloudFront's response headers policy in AWS
 * (lib/constructs/web-site.ts) and the local gateway (local/api-server.ts) send the same.
 *
 * The Content-Security-Policy allows the page's own files, its API on the same origin, and Cognito's sign-in
 * (the authorization code is exchanged from the page, PKCE): no inline script or style, no eval.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "connect-src 'self' https://*.amazoncognito.com",
  "img-src 'self' data:",
  "style-src 'self'",
  "script-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self' https://*.amazoncognito.com",
].join('; ');
