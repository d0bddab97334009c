/** Fake Anthropic Admin API (Claude Code Analytics) for tests and the local run. */
export { generateClaudeCodeRecords, type ClaudeCodeRecord } from './data';
export {
  DEMO_ANTHROPIC_ADMIN_KEY,
  startFakeAnthropic,
  type FakeAnthropicOptions,
  type FakeAnthropicServer,
  type RecordedRequest,
} from './server';
export type { FaultSpec } from './faults';
