/** What the page is told where it is served (`/config.json`): locally by `npm start`, in AWS at deploy time. */
export interface PageConfig {
  api_base: string;
  auth: { kind: 'local' } | { kind: 'cognito'; domain: string; client_id: string; scopes: string[] };
}

export async function loadConfig(): Promise<PageConfig> {
  const response = await fetch('/config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`The page's configuration could not be read (${response.status}).`);
  return (await response.json()) as PageConfig;
}
