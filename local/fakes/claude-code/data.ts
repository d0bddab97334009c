import { demoPerson } from '../shared/people';
import {
  addDays,
  between,
  clamp,
  isValidDay,
  isWeekend,
  randomFor,
  toUtcDay,
  utcDayOf,
  weightedPick,
  type Random,
} from '../shared/seeded';

// Day helpers are shared with the server, which parses `starting_at` and applies the history window.
export { addDays, isValidDay, toUtcDay, utcDayOf };

/**
 * Deterministic generator of Claude Code Analytics records (docs: usage_report/claude_code).
 *
 * Pure: no clock, no I/O. Every random draw comes from a PRNG seeded by (seed, date, actor[, terminal]),
 * so one actor's record for one day never depends on which other days, actors or options were asked
 * for. That keeps test expectations stable when a test changes the number of developers or days.
 */

export interface ClaudeCodeRecord {
  /** RFC 3339 midnight of the UTC day, as the documented examples show. */
  date: string;
  actor: { type: 'user_actor'; email_address: string } | { type: 'api_actor'; api_key_name: string };
  organization_id: string;
  customer_type: 'api' | 'subscription';
  subscription_type: 'enterprise' | 'team' | null;
  terminal_type: string;
  core_metrics: {
    num_sessions: number;
    lines_of_code: { added: number; removed: number };
    commits_by_claude_code: number;
    pull_requests_by_claude_code: number;
  };
  tool_actions: Record<string, { accepted: number; rejected: number }>;
  model_breakdown: {
    model: string;
    tokens: { input: number; output: number; cache_read: number; cache_creation: number };
    /** Integer US cents. */
    estimated_cost: { amount: number; currency: 'USD' };
  }[];
}

export interface GeneratorOptions {
  developers: number;
  apiKeyActors: number;
  seed: string;
  splitRecordRate: number;
  organizationId: string;
}

// ---------------------------------------------------------------------------------------------
// Actors
// ---------------------------------------------------------------------------------------------

const BOT_NAMES = [
  'ci-bot',
  'release-bot',
  'docs-bot',
  'review-bot',
  'migration-bot',
  'nightly-bot',
] as const;

/** The demo organisation's people (shared with the other fakes): developer i is person i. */
const developerEmail = (index: number): string => demoPerson(index).email;

function botName(index: number): string {
  const round = Math.floor(index / BOT_NAMES.length);
  return `${BOT_NAMES[index % BOT_NAMES.length]!}${round > 0 ? `-${round + 1}` : ''}`;
}

const TERMINALS = [
  ['vscode', 30],
  ['iTerm.app', 20],
  ['cursor', 15],
  ['jetbrains', 13],
  ['tmux', 12],
  ['ghostty', 10],
] as const;

interface ActorProfile {
  /** Sort key and PRNG key: stable across seeds and team sizes. */
  key: string;
  actor: ClaudeCodeRecord['actor'];
  kind: 'developer' | 'bot';
  /** Stable volume factor (0.35..2.25 for developers): a few heavy users, most light or average. */
  intensity: number;
  favouriteTerminal: string;
  prefersOpus: boolean;
}

function profileFor(seed: string, kind: ActorProfile['kind'], index: number): ActorProfile {
  const actor: ClaudeCodeRecord['actor'] =
    kind === 'developer'
      ? { type: 'user_actor', email_address: developerEmail(index) }
      : { type: 'api_actor', api_key_name: botName(index) };
  const key =
    actor.type === 'user_actor' ? `user_actor:${actor.email_address}` : `api_actor:${actor.api_key_name}`;
  const random = randomFor(seed, 'profile', key);
  const roll = random();
  const intensity = kind === 'developer' ? 0.35 + roll * roll * 1.9 : 0.8 + roll * 0.8;
  return {
    key,
    actor,
    kind,
    intensity,
    favouriteTerminal: weightedPick(random, TERMINALS),
    // Heavy users reach for the bigger model more often.
    prefersOpus: random() < 0.1 + 0.12 * intensity,
  };
}

function actorProfiles(options: GeneratorOptions): ActorProfile[] {
  const developers = Array.from({ length: options.developers }, (_, i) =>
    profileFor(options.seed, 'developer', i),
  );
  const bots = Array.from({ length: options.apiKeyActors }, (_, i) => profileFor(options.seed, 'bot', i));
  return [...developers, ...bots];
}

function activeProbability(kind: ActorProfile['kind'], weekend: boolean): number {
  if (kind === 'bot') return weekend ? 0.05 : 0.9;
  return weekend ? 0.12 : 0.75;
}

// ---------------------------------------------------------------------------------------------
// Figures of one record
// ---------------------------------------------------------------------------------------------

interface ModelPrice {
  id: string;
  /** USD per million tokens. */
  input: number;
  output: number;
  cacheRead: number;
  cacheCreation: number;
}

const SONNET: ModelPrice = {
  id: 'claude-sonnet-4-5-20250929',
  input: 3,
  output: 15,
  cacheRead: 0.3,
  cacheCreation: 3.75,
};
const OPUS: ModelPrice = {
  id: 'claude-opus-4-1-20250805',
  input: 15,
  output: 75,
  cacheRead: 1.5,
  cacheCreation: 18.75,
};
const HAIKU: ModelPrice = {
  id: 'claude-haiku-4-5-20251001',
  input: 1,
  output: 5,
  cacheRead: 0.1,
  cacheCreation: 1.25,
};

const TOOLS = [
  { name: 'edit_tool', presence: 0.95, perSession: [3, 14] },
  { name: 'multi_edit_tool', presence: 0.55, perSession: [1, 6] },
  { name: 'write_tool', presence: 0.7, perSession: [1, 4] },
  { name: 'notebook_edit_tool', presence: 0.06, perSession: [1, 3] },
] as const;

function coreMetrics(random: Random, scale: number): ClaudeCodeRecord['core_metrics'] {
  const sessions = clamp(Math.round(1 + random() * 3.5 * scale), 1, 10);
  const added = clamp(Math.round(sessions * between(random, 30, 260) * (0.7 + 0.3 * scale)), 20, 2500);
  const removed = Math.round(added * (0.1 + random() * 0.3));
  const commits = clamp(Math.floor(random() * (sessions * 0.8 + 1)), 0, 6);
  const pullRequests = commits === 0 ? 0 : Math.min(commits, 2, Math.floor(random() * 2.4));
  return {
    num_sessions: sessions,
    lines_of_code: { added, removed },
    commits_by_claude_code: commits,
    pull_requests_by_claude_code: pullRequests,
  };
}

/** Some tools are absent on some days (the API omits them); accepted decisions clearly outnumber rejected. */
function toolActions(random: Random, sessions: number): ClaudeCodeRecord['tool_actions'] {
  const actions: ClaudeCodeRecord['tool_actions'] = {};
  for (const tool of TOOLS) {
    if (random() >= tool.presence) continue;
    const accepted = sessions * between(random, tool.perSession[0], tool.perSession[1]);
    actions[tool.name] = { accepted, rejected: Math.round(accepted * random() * 0.25) };
  }
  if (Object.keys(actions).length === 0) actions.edit_tool = { accepted: sessions * 3, rejected: 0 };
  return actions;
}

/** Cost from list prices per million tokens, rounded to whole cents as the API reports it. */
function costCents(price: ModelPrice, tokens: ClaudeCodeRecord['model_breakdown'][number]['tokens']): number {
  const dollars =
    (tokens.input * price.input +
      tokens.output * price.output +
      tokens.cache_read * price.cacheRead +
      tokens.cache_creation * price.cacheCreation) /
    1_000_000;
  return Math.round(dollars * 100);
}

/** Token volumes shaped like Claude Code's: small uncached input, large cache reads. */
function modelEntry(
  random: Random,
  price: ModelPrice,
  sessions: number,
  share: number,
): ClaudeCodeRecord['model_breakdown'][number] {
  const volume = sessions * share;
  const tokens = {
    input: Math.round(between(random, 3_000, 25_000) * volume),
    output: Math.round(between(random, 6_000, 35_000) * volume),
    cache_read: Math.round(between(random, 250_000, 1_400_000) * volume),
    cache_creation: Math.round(between(random, 25_000, 160_000) * volume),
  };
  return { model: price.id, tokens, estimated_cost: { amount: costCents(price, tokens), currency: 'USD' } };
}

/** 1 to 3 models: a main one, often Haiku for small background tasks, sometimes the other big model. */
function modelBreakdown(
  random: Random,
  profile: ActorProfile,
  sessions: number,
): ClaudeCodeRecord['model_breakdown'] {
  const main = profile.prefersOpus && random() < 0.7 ? OPUS : SONNET;
  const entries = [modelEntry(random, main, sessions, 1)];
  if (random() < 0.55) entries.push(modelEntry(random, HAIKU, sessions, 0.03 + random() * 0.09));
  if (random() < 0.15) {
    entries.push(modelEntry(random, main === OPUS ? SONNET : OPUS, sessions, 0.1 + random() * 0.3));
  }
  return entries;
}

function buildRecord(
  options: GeneratorOptions,
  date: string,
  profile: ActorProfile,
  terminal: string,
  weight: number,
): ClaudeCodeRecord {
  // Seeded per terminal too: the main record is identical whether or not a second one is split off.
  const random = randomFor(options.seed, 'record', date, profile.key, terminal);
  const scale = profile.intensity * (0.6 + random() * 0.8) * weight;
  const core = coreMetrics(random, scale);
  return {
    date: `${date}T00:00:00Z`,
    actor: { ...profile.actor },
    organization_id: options.organizationId,
    customer_type: 'api',
    subscription_type: null,
    terminal_type: terminal,
    core_metrics: core,
    tool_actions: toolActions(random, core.num_sessions),
    model_breakdown: modelBreakdown(random, profile, core.num_sessions),
  };
}

function secondTerminal(random: Random, favourite: string): string {
  return weightedPick(
    random,
    TERMINALS.filter(([name]) => name !== favourite),
  );
}

/** No record when inactive; one record, or two on different terminals with probability splitRecordRate. */
function recordsOfActor(options: GeneratorOptions, date: string, profile: ActorProfile): ClaudeCodeRecord[] {
  const random = randomFor(options.seed, 'day', date, profile.key);
  const active = random() < activeProbability(profile.kind, isWeekend(date));
  const split = random() < options.splitRecordRate;
  const other = secondTerminal(random, profile.favouriteTerminal);
  if (!active) return [];
  const main = buildRecord(options, date, profile, profile.favouriteTerminal, 1);
  return split ? [main, buildRecord(options, date, profile, other, 0.45)] : [main];
}

function checkOptions(date: string, options: GeneratorOptions): void {
  if (!isValidDay(date)) throw new RangeError(`date must be a YYYY-MM-DD day, got "${date}"`);
  for (const name of ['developers', 'apiKeyActors'] as const) {
    if (!Number.isInteger(options[name]) || options[name] < 0) {
      throw new RangeError(`${name} must be a non-negative integer`);
    }
  }
  if (!(options.splitRecordRate >= 0 && options.splitRecordRate <= 1)) {
    throw new RangeError('splitRecordRate must be between 0 and 1');
  }
}

function compareRecords(a: ClaudeCodeRecord, b: ClaudeCodeRecord): number {
  const keyA = a.actor.type === 'user_actor' ? a.actor.email_address : a.actor.api_key_name;
  const keyB = b.actor.type === 'user_actor' ? b.actor.email_address : b.actor.api_key_name;
  // Plain code-unit comparison: the order must not depend on the machine's locale.
  const byActor = `${a.actor.type}:${keyA}` < `${b.actor.type}:${keyB}` ? -1 : 1;
  if (keyA !== keyB || a.actor.type !== b.actor.type) return byActor;
  return a.terminal_type < b.terminal_type ? -1 : a.terminal_type > b.terminal_type ? 1 : 0;
}

/**
 * Every record of one UTC day (YYYY-MM-DD), in the stable order the server pages through: by actor
 * (type, then email or key name), then terminal_type. The history window is the server's concern.
 */
export function generateClaudeCodeRecords(date: string, options: GeneratorOptions): ClaudeCodeRecord[] {
  checkOptions(date, options);
  return actorProfiles(options)
    .flatMap((profile) => recordsOfActor(options, date, profile))
    .sort(compareRecords);
}
