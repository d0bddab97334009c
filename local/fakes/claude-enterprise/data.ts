import { demoPerson } from '../shared/people';
import {
  between,
  clamp,
  isValidDay,
  isWeekend,
  randomFor,
  weightedPick,
  type Random,
} from '../shared/seeded';

/**
 * Deterministic data of a Claude Enterprise organisation for the fake Enterprise Analytics API
 * (provider-apis-2026-11.md §3.1): its seat users, its RBAC groups, and each user's day — Claude Code
 * engagement, chat, and the tokens and cost (exact micro-cents) behind them per model and product.
 *
 * Pure: no clock, no I/O. A user's day depends only on (seed, day, user), so asking for other days or more
 * users never changes it. The seat users are demo people `firstPerson …`, so they overlap by e-mail with the
 * fake Claude Code Admin API's people `0 … 11`: some on a seat only here, some with Console API access only
 * there, a few in both.
 */

export interface SeatUser {
  /** Index of the shared demo person. */
  person: number;
  /** Tagged id `user_01…`, as every endpoint names users. */
  id: string;
  email: string;
  name: string;
  /** coder: uses Claude Code (and chat); chat: claude.ai only; idle: holds a seat, never used it. */
  kind: 'coder' | 'chat' | 'idle';
  /** Tagged RBAC group ids the user holds. */
  groups: string[];
  intensity: number;
  prefersOpus: boolean;
}

export interface RbacGroupInfo {
  id: string;
  name: string;
}

export interface ModelUse {
  model: string;
  product: 'claude_code' | 'chat';
  uncached: number;
  cache1h: number;
  cache5m: number;
  cacheRead: number;
  output: number;
  requests: number;
  /** Cost at list prices and as charged, in whole micro-cents (exact). */
  listMicro: number;
  amountMicro: number;
}

export interface ClaudeCodeDay {
  sessions: number;
  added: number;
  removed: number;
  commits: number;
  pullRequests: number;
  tools: Record<string, { accepted: number; rejected: number }>;
}

/** One seat user's day; absent figures mean no use of that product. */
export interface UserDay {
  user: SeatUser;
  day: string;
  claudeCode: ClaudeCodeDay | null;
  chat: { messages: number; conversations: number } | null;
  models: ModelUse[];
}

export interface OrganisationOptions {
  seed: string;
  /** The first seat user is this demo person; default 9. */
  firstPerson: number;
  /** Seat users; the last holds a seat it never uses, the one before only chats. Default 10 (at least 3). */
  seatUsers: number;
  /** First day of the organisation's Enterprise plan: no seats, no users, no usage before it. */
  since: string;
}

export const FIRST_DAY = '2026-01-01';
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function tagged(prefix: string, random: Random): string {
  let id = prefix;
  for (let i = 0; i < 22; i++) id += ALPHABET[Math.floor(random() * ALPHABET.length)];
  return id;
}

/** Three groups: everyone who codes is in engineering, and each coder also in product or data. */
export function rbacGroups(seed: string): RbacGroupInfo[] {
  return ['engineering', 'product', 'data'].map((name) => ({
    id: tagged('rbac_group_01', randomFor(seed, 'group', name)),
    name,
  }));
}

export function seatUsers(options: OrganisationOptions): SeatUser[] {
  if (!Number.isInteger(options.seatUsers) || options.seatUsers < 3) {
    throw new RangeError('seatUsers must be an integer of at least 3');
  }
  if (!Number.isInteger(options.firstPerson) || options.firstPerson < 0) {
    throw new RangeError('firstPerson must be a non-negative integer');
  }
  if (!isValidDay(options.since)) throw new RangeError('since must be a YYYY-MM-DD day');
  const [engineering, product, data] = rbacGroups(options.seed) as [
    RbacGroupInfo,
    RbacGroupInfo,
    RbacGroupInfo,
  ];
  const coders = options.seatUsers - 2;
  return Array.from({ length: options.seatUsers }, (_, i) => {
    const person = options.firstPerson + i;
    const { email, name } = demoPerson(person);
    const random = randomFor(options.seed, 'seat', email);
    const kind: SeatUser['kind'] = i < coders ? 'coder' : i === coders ? 'chat' : 'idle';
    const roll = random();
    return {
      person,
      id: tagged('user_01', random),
      email,
      name,
      kind,
      groups: kind === 'coder' ? [engineering.id, i < coders / 2 ? product.id : data.id] : [],
      intensity: 0.4 + roll * roll * 1.8,
      prefersOpus: random() < 0.25,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Prices: micro-cents per token (USD per million tokens × 100), so every cost is a whole number
// ---------------------------------------------------------------------------------------------

interface Price {
  id: string;
  input: number;
  output: number;
  cacheRead: number;
  cache5m: number;
  cache1h: number;
}

const SONNET: Price = {
  id: 'claude-sonnet-4-5-20250929',
  input: 300,
  output: 1500,
  cacheRead: 30,
  cache5m: 375,
  cache1h: 600,
};
const OPUS: Price = {
  id: 'claude-opus-4-1-20250805',
  input: 1500,
  output: 7500,
  cacheRead: 150,
  cache5m: 1875,
  cache1h: 3000,
};
const HAIKU: Price = {
  id: 'claude-haiku-4-5-20251001',
  input: 100,
  output: 500,
  cacheRead: 10,
  cache5m: 125,
  cache1h: 200,
};
/** The organisation's negotiated rate: charged amounts are 87.5 % of list, with fractions of a cent. */
const CHARGED_PER_MILLE = 875;

const TOOLS = [
  { name: 'edit_tool', presence: 0.95, perSession: [3, 14] },
  { name: 'multi_edit_tool', presence: 0.55, perSession: [1, 6] },
  { name: 'write_tool', presence: 0.7, perSession: [1, 4] },
  { name: 'notebook_edit_tool', presence: 0.06, perSession: [1, 3] },
] as const;

function modelUse(random: Random, price: Price, product: ModelUse['product'], volume: number): ModelUse {
  const uncached = Math.round(between(random, 2_000, 20_000) * volume);
  const output = Math.round(between(random, 5_000, 30_000) * volume);
  const cacheRead = Math.round(between(random, 200_000, 1_200_000) * volume);
  const cache5m = Math.round(between(random, 15_000, 120_000) * volume);
  const cache1h = random() < 0.3 ? Math.round(between(random, 5_000, 40_000) * volume) : 0;
  const listMicro =
    uncached * price.input +
    output * price.output +
    cacheRead * price.cacheRead +
    cache5m * price.cache5m +
    cache1h * price.cache1h;
  return {
    model: price.id,
    product,
    uncached,
    cache1h,
    cache5m,
    cacheRead,
    output,
    requests: Math.max(1, Math.round(between(random, 20, 90) * volume)),
    listMicro,
    amountMicro: Math.floor((listMicro * CHARGED_PER_MILLE) / 1000),
  };
}

function claudeCodeDay(random: Random, scale: number): ClaudeCodeDay {
  const sessions = clamp(Math.round(1 + random() * 3 * scale), 1, 9);
  const added = clamp(Math.round(sessions * between(random, 30, 240) * (0.7 + 0.3 * scale)), 10, 2400);
  const commits = clamp(Math.floor(random() * (sessions * 0.8 + 1)), 0, 6);
  const tools: ClaudeCodeDay['tools'] = {};
  for (const tool of TOOLS) {
    if (random() >= tool.presence) continue;
    const accepted = sessions * between(random, tool.perSession[0], tool.perSession[1]);
    tools[tool.name] = { accepted, rejected: Math.round(accepted * random() * 0.25) };
  }
  return {
    sessions,
    added,
    removed: Math.round(added * (0.1 + random() * 0.3)),
    commits,
    pullRequests: commits === 0 ? 0 : Math.min(commits, Math.floor(random() * 2.4)),
    tools,
  };
}

/** A seat user's day: nothing before the plan began, and for idle seats nothing ever. */
export function userDay(options: OrganisationOptions, user: SeatUser, day: string): UserDay {
  const none: UserDay = { user, day, claudeCode: null, chat: null, models: [] };
  if (day < options.since || day < FIRST_DAY || user.kind === 'idle') return none;
  const random = randomFor(options.seed, 'day', day, user.email);
  const weekend = isWeekend(day);
  const codes = user.kind === 'coder' && random() < (weekend ? 0.1 : 0.8);
  const chats = random() < (user.kind === 'chat' ? (weekend ? 0.1 : 0.6) : weekend ? 0.05 : 0.3);
  const scale = user.intensity * (0.6 + random() * 0.8);
  const models: ModelUse[] = [];
  let claudeCode: ClaudeCodeDay | null = null;
  if (codes) {
    claudeCode = claudeCodeDay(random, scale);
    const main = user.prefersOpus && random() < 0.7 ? OPUS : SONNET;
    models.push(modelUse(random, main, 'claude_code', claudeCode.sessions));
    if (random() < 0.5) models.push(modelUse(random, HAIKU, 'claude_code', 0.05 + random() * 0.1));
  }
  const chat = chats ? { messages: between(random, 2, 40), conversations: between(random, 1, 6) } : null;
  if (chat)
    models.push(
      modelUse(
        random,
        weightedPick(random, [
          [SONNET, 3],
          [OPUS, 1],
        ]),
        'chat',
        chat.messages / 20,
      ),
    );
  return { user, day, claudeCode, chat, models };
}

/** Whether a user counts as active that day for the summaries' per-product and overall counts. */
export const usedClaudeCode = (day: UserDay) => day.claudeCode !== null;
export const consumedTokens = (day: UserDay) => day.models.length > 0;
