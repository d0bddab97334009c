/**
 * What a provider's fake offers the local run (`npm start`): each fake folder (local/fakes/<provider
 * folder>/) has a `demo.ts` exporting `demo`, found by the provider's folder name, so adding a provider
 * adds no line here or in local/demo-providers.ts.
 */
export interface FakeDemo {
  /** Starts the fake with the demo team's deterministic data. */
  start(): Promise<StartedDemo>;
}

export interface StartedDemo {
  url: string;
  /** A key the fake accepts. */
  apiKey: string;
  /** Connect options for the demo account (e.g. a GitHub organisation). */
  options: Record<string, string>;
  /** One line for the start-up output. */
  label: string;
  close(): Promise<void>;
}
