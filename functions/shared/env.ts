import { providerManifests } from '../providers/manifests';

/** Reads one required environment variable, naming it when it is missing. */
export function requireEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (value === undefined || value === '') throw new Error(`environment variable ${name} is not set`);
  return value;
}

/** SYNC_QUEUE_URLS is a JSON map provider id → queue URL, written by the stack from the registry. */
export function queueUrls(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const raw = env.SYNC_QUEUE_URLS;
  if (!raw) return {};
  const parsed = JSON.parse(raw) as Record<string, string>;
  for (const provider of Object.keys(parsed)) {
    if (!providerManifests.some((manifest) => manifest.id === provider)) {
      throw new Error(`SYNC_QUEUE_URLS names unknown provider ${provider}`);
    }
  }
  return parsed;
}
