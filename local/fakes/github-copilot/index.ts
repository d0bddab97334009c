/** Fake GitHub REST API (Copilot usage-metrics reports and seats) for tests and the local run. */
export { AI_CREDITS_SINCE, MIN_TEAM_SIZE, type CopilotUserRecord, type CopilotUserTeamRecord } from './data';
export type { GitHubFault } from './faults';
export {
  DEMO_GITHUB_TOKEN,
  startFakeGitHub,
  type FakeGitHubOptions,
  type FakeGitHubServer,
  type GitHubRecordedRequest,
} from './server';
