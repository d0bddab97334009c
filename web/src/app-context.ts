import type { Api } from './api';
import type { Session } from './auth';

/** What every view gets: the API client, who is signed in, and the route's parameters. */
export interface ViewContext {
  api: Api;
  session: Session;
  params: URLSearchParams;
  /** The route's path segments after the view's name (`#/people/p_1` → ['p_1']). */
  rest: string[];
  /** Re-renders the current route (after a change). */
  refresh(): void;
}

export type View = (context: ViewContext) => Promise<HTMLElement>;

export const RANGES = [7, 30, 90, 365] as const;

/** The range a view shows: `days=` of the route, 90 days unless it says otherwise. */
export const daysOf = (params: URLSearchParams): string => params.get('days') ?? '90';

/** Links to the same view with some parameters changed. */
export function withParams(
  params: URLSearchParams,
  change: Record<string, string | null>,
  path?: string,
): string {
  const next = new URLSearchParams(params);
  for (const [key, value] of Object.entries(change)) {
    if (value === null) next.delete(key);
    else next.set(key, value);
  }
  const query = next.toString();
  return `#${path ?? location.hash.slice(1).split('?')[0]}${query ? `?${query}` : ''}`;
}
