/** Fake Claude Enterprise Analytics API (users, summaries, per-user cost and usage reports) for tests and the local run. */
export {
  FIRST_DAY,
  rbacGroups,
  seatUsers,
  userDay,
  type ModelUse,
  type RbacGroupInfo,
  type SeatUser,
  type UserDay,
} from './data';
export {
  decimalCents,
  DEMO_ENTERPRISE_ANALYTICS_KEY,
  ENTERPRISE_PATHS,
  startFakeClaudeEnterprise,
  type EnterpriseRecordedRequest,
  type FakeClaudeEnterpriseOptions,
  type FakeClaudeEnterpriseServer,
} from './server';
export type { EnterpriseFault, EnterpriseFaultStatus } from './faults';
