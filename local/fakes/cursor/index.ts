/** Fake Cursor Admin API (members, audit logs, daily usage, usage events, spend) for tests and the local run. */
export {
  MODELS,
  type CursorAuditEvent,
  type CursorMember,
  type CursorRosterEntry,
  type CursorTokenUsage,
  type CursorUsageEvent,
  type CursorUsageRow,
} from './data';
export type { CursorFault, CursorFaultStatus } from './faults';
export {
  CURSOR_PATHS,
  DEMO_CURSOR_KEY,
  startFakeCursor,
  type CursorRecordedRequest,
  type FakeCursorOptions,
  type FakeCursorServer,
  type RateLimit,
} from './server';
