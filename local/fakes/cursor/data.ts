import { demoPerson } from '../shared/people';
import {
  addDays,
  between,
  clamp,
  isValidDay,
  isWeekend,
  randomFor,
  seedFrom,
  weightedPick,
  type Random,
} from '../shared/seeded';

/**
 * Deterministic Cursor Admin API data (provider-apis.md 3.2–3.5, provider-apis-2026-11.md 1.4–1.5): the
 * team's members, one daily-usage row per member per day and the usage events behind it.
 *
 * Pure: no clock, no I/O. A member's day depends only on (seed, day, member), so adding members or asking
 * for other days never changes it. The events of a member's day come first; the row's request counts are
 * counted from them, so the two endpoints agree exactly:
 *   - agentRequests / chatRequests / composerRequests / cmdkUsages = events of that kind of request,
 *   - subscriptionIncludedReqs = events of kind "Included in Business", usageBasedReqs = "Usage-based",
 *     apiKeyReqs = 0,
 *   - mostUsedModel = the model of most events (ties: the order of MODELS).
 * Membership windows (joined / removed) are counted from an anchor day, the fake's "today" when it
 * started, so the data does not shift while a fake runs across midnight.
 */

export interface CursorMember {
  /** `user_` + 22 characters, the id of /teams/members and /teams/spend. */
  id: string;
  name: string;
  email: string;
  role: 'owner' | 'member';
  isRemoved: boolean;
}

/** A member with what the API shows elsewhere: the numeric id of daily-usage rows and the membership days. */
export interface CursorRosterEntry {
  member: CursorMember;
  /** `userId` of daily-usage rows (a number on the team endpoint). */
  userId: number;
  /** First day of membership (YYYY-MM-DD). */
  joinedDay: string;
  /** Day of removal: a member on the days before it only; null while on the team. */
  removedDay: string | null;
}

export interface CursorUsageRow {
  userId: number;
  day: string;
  /** Epoch ms of the day's start (UTC). */
  date: number;
  email: string;
  isActive: boolean;
  totalLinesAdded: number;
  totalLinesDeleted: number;
  acceptedLinesAdded: number;
  acceptedLinesDeleted: number;
  totalApplies: number;
  totalAccepts: number;
  totalRejects: number;
  totalTabsShown: number;
  totalTabsAccepted: number;
  composerRequests: number;
  chatRequests: number;
  agentRequests: number;
  cmdkUsages: number;
  subscriptionIncludedReqs: number;
  apiKeyReqs: number;
  usageBasedReqs: number;
  bugbotUsages: number;
  mostUsedModel: string | null;
  applyMostUsedExtension: string | null;
  tabMostUsedExtension: string | null;
  clientVersion: string | null;
}

export interface CursorTokenUsage {
  inputTokens: number;
  outputTokens: number;
  cacheWriteTokens: number;
  cacheReadTokens: number;
  totalCents: number;
}

/** A usage event as served: no id (the API has none), `timestamp` is epoch ms as a string. */
export interface CursorUsageEvent {
  timestamp: string;
  userEmail: string;
  conversationId?: string;
  model: string;
  kind: 'Usage-based' | 'Included in Business';
  maxMode: boolean;
  requestsCosts: number;
  isTokenBasedCall: boolean;
  isChargeable: boolean;
  isHeadless: boolean;
  tokenUsage?: CursorTokenUsage;
  chargedCents: number;
  cursorTokenFee?: number;
}

export type RequestCategory = 'agent' | 'chat' | 'composer' | 'cmdk';

/** An event with what the generator knows besides the served fields. */
export interface GeneratedEvent {
  event: CursorUsageEvent;
  at: number;
  category: RequestCategory;
}

export interface RosterOptions {
  seed: string;
  /** Members in all, removed ones included. */
  developers: number;
  /** How many of them (the last ones) have left the team. */
  removedDevelopers: number;
  /** The day membership windows are counted from. */
  anchorDay: string;
}

export const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** The team's default per-user spend limit in dollars (spend's effectivePerUserLimitDollars). */
export const TEAM_PER_USER_LIMIT_DOLLARS = 250;

interface Price {
  /** US dollars per million tokens. */
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
}

interface Model {
  id: string;
  /** Third-party models carry Cursor's token fee. */
  thirdParty: boolean;
  price: Price;
  weight: number;
}

/** `default` is Auto; `composer-1` is Cursor's own model. */
export const MODELS: readonly Model[] = [
  { id: 'claude-4.5-sonnet', thirdParty: true, price: p(3, 15, 3.75, 0.3), weight: 34 },
  { id: 'default', thirdParty: false, price: p(1.25, 6, 1.25, 0.25), weight: 24 },
  { id: 'gpt-5', thirdParty: true, price: p(1.25, 10, 1.25, 0.125), weight: 18 },
  { id: 'composer-1', thirdParty: false, price: p(1.25, 10, 1.25, 0.125), weight: 10 },
  { id: 'claude-4.5-opus', thirdParty: true, price: p(5, 25, 6.25, 0.5), weight: 7 },
  { id: 'gemini-2.5-pro', thirdParty: true, price: p(1.25, 10, 1.625, 0.31), weight: 7 },
];
const MODEL_WEIGHTS = MODELS.map((model) => [model, model.weight] as const);
/** Cursor's fee on third-party token usage: $0.25 per million tokens. */
const TOKEN_FEE_CENTS_PER_MILLION = 25;

const EXTENSIONS: readonly (readonly [string, number])[] = [
  ['.ts', 30],
  ['.tsx', 14],
  ['.py', 20],
  ['.go', 12],
  ['.java', 8],
  ['.rs', 6],
  ['.sql', 5],
  ['.md', 5],
];

const CATEGORIES: readonly (readonly [RequestCategory, number])[] = [
  ['agent', 50],
  ['chat', 20],
  ['composer', 12],
  ['cmdk', 18],
];

function p(input: number, output: number, cacheWrite: number, cacheRead: number): Price {
  return { input, output, cacheWrite, cacheRead };
}

/** Fractional cents as the API sends them since 2026-06-04 (six decimals, e.g. 4.591837). */
export function roundCents(cents: number): number {
  return Math.round(cents * 1_000_000) / 1_000_000;
}

export function dayStart(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

// ---------------------------------------------------------------------------------------------
// Members
// ---------------------------------------------------------------------------------------------

interface Profile {
  entry: CursorRosterEntry;
  /** PRNG key: stable across seeds' team sizes. */
  key: string;
  /** Stable volume factor, 0.4..2.2: most people light or average, a few heavy. */
  intensity: number;
  preferredModel: Model;
  /** Share of requests billed on demand (team allowance used up, Max mode, big models). */
  usageBasedAffinity: number;
  applyExtension: string;
  tabExtension: string;
  /** Days this person lags behind a client release. */
  upgradeLagDays: number;
  /** First working hour (UTC). */
  startHour: number;
  /** Some people never use Tab. */
  usesTab: boolean;
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function idChars(random: Random, length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) text += ID_ALPHABET[Math.floor(random() * ID_ALPHABET.length)];
  return text;
}

/** The demo organisation's people (shared with the other fakes): member i is person i. */
function personName(index: number): { name: string; email: string } {
  const { name, email } = demoPerson(index);
  return { name, email };
}

export function checkRosterOptions(options: RosterOptions): void {
  if (!Number.isInteger(options.developers) || options.developers < 1) {
    throw new RangeError('developers must be a positive integer');
  }
  const removed = options.removedDevelopers;
  if (!Number.isInteger(removed) || removed < 0 || removed > options.developers - 1) {
    throw new RangeError('removedDevelopers must be an integer from 0 to developers - 1 (the owner stays)');
  }
  if (!isValidDay(options.anchorDay)) throw new RangeError('anchorDay must be a YYYY-MM-DD day');
}

/**
 * The team: member 0 is the owner; the last `removedDevelopers` members left the team 25, 37, 49, …
 * days before the anchor; the member just before them (in teams of three or more) joined 40 days before
 * it; everyone else joined more than a year earlier.
 */
function profiles(options: RosterOptions): Profile[] {
  checkRosterOptions(options);
  const firstRemoved = options.developers - options.removedDevelopers;
  const lateJoiner = firstRemoved >= 3 ? firstRemoved - 1 : -1;
  return Array.from({ length: options.developers }, (_, index) => {
    const { name, email } = personName(index);
    const key = `member:${email}`;
    const random = randomFor(options.seed, 'member', key);
    const removedIndex = index - firstRemoved;
    const removedDay = removedIndex >= 0 ? addDays(options.anchorDay, -(25 + 12 * removedIndex)) : null;
    const joinedDay =
      index === lateJoiner
        ? addDays(options.anchorDay, -40)
        : addDays(options.anchorDay, -(380 + 17 * index + between(random, 0, 9)));
    const member: CursorMember = {
      id: `user_${idChars(random, 22)}`,
      name,
      email,
      role: index === 0 ? 'owner' : 'member',
      isRemoved: removedDay !== null,
    };
    const roll = random();
    const applyExtension = weightedPick(random, EXTENSIONS);
    return {
      entry: { member, userId: 40_100 + index * 1_009 + between(random, 0, 999), joinedDay, removedDay },
      key,
      intensity: 0.4 + roll * roll * 1.8,
      preferredModel: weightedPick(random, MODEL_WEIGHTS),
      usageBasedAffinity: 0.04 + random() * 0.3,
      applyExtension,
      tabExtension: random() < 0.7 ? applyExtension : weightedPick(random, EXTENSIONS),
      upgradeLagDays: between(random, 0, 14),
      startHour: between(random, 6, 10),
      usesTab: random() < 0.92,
    };
  });
}

/** Whether the member belonged to the team on that day (joined on or before it, not yet removed). */
export function isMemberOn(entry: CursorRosterEntry, day: string): boolean {
  return day >= entry.joinedDay && (entry.removedDay === null || day < entry.removedDay);
}

// ---------------------------------------------------------------------------------------------
// Client versions: a release every three weeks, each person upgrading a few days late
// ---------------------------------------------------------------------------------------------

const RELEASE_EPOCH = dayStart('2025-06-02');
const RELEASE_EVERY_DAYS = 21;

function clientVersion(day: string, lagDays: number): string {
  const days = Math.floor((dayStart(day) - RELEASE_EPOCH) / DAY_MS) - lagDays;
  const release = Math.max(0, Math.floor(days / RELEASE_EVERY_DAYS));
  const patch = between(randomFor('cursor-release', String(release)), 10, 79);
  return `${1 + Math.floor(release / 8)}.${release % 8}.${patch}`;
}

// ---------------------------------------------------------------------------------------------
// One member's day
// ---------------------------------------------------------------------------------------------

interface DayFigures {
  totalApplies: number;
  totalAccepts: number;
  totalRejects: number;
  totalTabsShown: number;
  totalTabsAccepted: number;
  totalLinesAdded: number;
  totalLinesDeleted: number;
  acceptedLinesAdded: number;
  acceptedLinesDeleted: number;
  bugbotUsages: number;
}

/** A member's whole day: events oldest first, and the figures not counted from events. */
export interface MemberDay {
  entry: CursorRosterEntry;
  day: string;
  events: GeneratedEvent[];
  figures: DayFigures;
  clientVersion: string;
  applyExtension: string;
  tabExtension: string;
}

function conversationId(random: Random): string {
  const hex = (length: number) =>
    Array.from({ length }, () => Math.floor(random() * 16).toString(16)).join('');
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[Math.floor(random() * 4)]!}${hex(3)}-${hex(12)}`;
}

function tokensFor(random: Random, category: RequestCategory): Omit<CursorTokenUsage, 'totalCents'> {
  switch (category) {
    case 'agent':
    case 'composer': {
      const scale = category === 'agent' ? 1 : 0.7;
      return {
        inputTokens: Math.round(between(random, 2_000, 40_000) * scale),
        outputTokens: Math.round(between(random, 300, 8_000) * scale),
        cacheWriteTokens: Math.round(between(random, 0, 30_000) * scale),
        cacheReadTokens: Math.round(between(random, 5_000, 400_000) * scale),
      };
    }
    case 'chat':
      return {
        inputTokens: between(random, 1_000, 15_000),
        outputTokens: between(random, 200, 3_000),
        cacheWriteTokens: between(random, 0, 8_000),
        cacheReadTokens: between(random, 0, 60_000),
      };
    case 'cmdk':
      return {
        inputTokens: between(random, 300, 4_000),
        outputTokens: between(random, 50, 800),
        cacheWriteTokens: 0,
        cacheReadTokens: 0,
      };
  }
}

function newEvent(
  random: Random,
  profile: Profile,
  category: RequestCategory,
  conversations: string[],
): CursorUsageEvent {
  const model =
    category === 'cmdk' && random() < 0.6
      ? MODELS.find((candidate) => candidate.id === 'default')!
      : random() < 0.55
        ? profile.preferredModel
        : weightedPick(random, MODEL_WEIGHTS);
  const maxMode = random() < (model.id === 'claude-4.5-opus' ? 0.35 : 0.06);
  const isTokenBasedCall = random() < 0.9;
  const usageBased = random() < Math.min(0.9, profile.usageBasedAffinity * (maxMode ? 3 : 1));
  const errored = random() < 0.03;
  const headless = random() < 0.04;
  const conversation =
    random() < 0.93 ? conversations[Math.floor(random() * conversations.length)] : undefined;

  let tokenUsage: CursorTokenUsage | undefined;
  let cursorTokenFee: number | undefined;
  let requestsCosts: number;
  let valueCents: number;
  if (isTokenBasedCall) {
    const tokens = tokensFor(random, category);
    const { price } = model;
    const dollars =
      (tokens.inputTokens * price.input +
        tokens.outputTokens * price.output +
        tokens.cacheWriteTokens * price.cacheWrite +
        tokens.cacheReadTokens * price.cacheRead) /
      1_000_000;
    tokenUsage = { ...tokens, totalCents: roundCents(dollars * 100 * (maxMode ? 1.2 : 1)) };
    if (model.thirdParty) {
      const all = tokens.inputTokens + tokens.outputTokens + tokens.cacheWriteTokens + tokens.cacheReadTokens;
      cursorTokenFee = roundCents((all / 1_000_000) * TOKEN_FEE_CENTS_PER_MILLION);
    }
    valueCents = roundCents(tokenUsage.totalCents + (cursorTokenFee ?? 0));
    requestsCosts = Math.max(0.1, Math.round((valueCents / 4) * 10) / 10);
  } else {
    requestsCosts = maxMode ? 2 : 1;
    valueCents = requestsCosts * 4;
  }

  const kind = usageBased ? 'Usage-based' : 'Included in Business';
  // On-demand requests are charged unless they failed; included ones carry their value, not charged.
  const isChargeable = usageBased && !errored;
  return {
    timestamp: '0',
    userEmail: profile.entry.member.email,
    ...(conversation !== undefined ? { conversationId: conversation } : {}),
    model: model.id,
    kind,
    maxMode,
    requestsCosts,
    isTokenBasedCall,
    isChargeable,
    isHeadless: headless,
    ...(tokenUsage ? { tokenUsage } : {}),
    chargedCents: usageBased && errored ? 0 : valueCents,
    ...(cursorTokenFee !== undefined ? { cursorTokenFee } : {}),
  };
}

/**
 * The events of an active member-day, oldest first. About one in ten repeats the previous event's fields
 * exactly, a few seconds later (a retried request): such events differ only in `timestamp`.
 */
function memberEvents(random: Random, profile: Profile, day: string, scale: number): GeneratedEvent[] {
  const count = clamp(Math.round(scale * between(random, 8, 30)), 1, 160);
  const conversations = Array.from({ length: clamp(1 + Math.floor(count / 8), 1, 6) }, () =>
    conversationId(random),
  );
  const start = dayStart(day) + profile.startHour * HOUR_MS;
  const times = Array.from({ length: count }, () => start + Math.floor(random() * 11 * HOUR_MS)).sort(
    (a, b) => a - b,
  );
  const events: GeneratedEvent[] = [];
  const used = new Set<number>();
  for (let index = 0; index < count; index++) {
    const previous = events[index - 1];
    const repeat = previous !== undefined && random() < 0.1;
    let at = repeat ? previous.at + between(random, 150, 4_000) : times[index]!;
    while (used.has(at)) at++;
    used.add(at);
    if (repeat) {
      const event = { ...previous.event };
      if (event.tokenUsage) event.tokenUsage = { ...event.tokenUsage };
      events.push({ event, at, category: previous.category });
    } else {
      const category = weightedPick(random, CATEGORIES);
      events.push({ event: newEvent(random, profile, category, conversations), at, category });
    }
  }
  for (const generated of events) generated.event.timestamp = String(generated.at);
  return events.sort((a, b) => a.at - b.at);
}

function dayFigures(
  random: Random,
  events: GeneratedEvent[],
  scale: number,
  profile: Profile,
  weekend: boolean,
): DayFigures {
  const editing = events.filter((generated) => generated.category !== 'chat').length;
  const totalApplies = Math.round(editing * (1 + random() * 2));
  const totalAccepts = Math.round(totalApplies * (0.55 + random() * 0.4));
  const totalRejects = Math.min(totalApplies - totalAccepts, Math.round(totalApplies * 0.25 * random()));
  const totalTabsShown = profile.usesTab ? Math.round(scale * between(random, 15, 220)) : 0;
  const totalTabsAccepted = Math.round(totalTabsShown * (0.18 + random() * 0.3));
  const acceptedLinesAdded =
    totalAccepts * between(random, 4, 40) + totalTabsAccepted * between(random, 1, 3);
  // Agent edits apply themselves and manual edits count too: total lines run above accepted ones.
  const totalLinesAdded = acceptedLinesAdded + Math.round(scale * between(random, 20, 400));
  const acceptedLinesDeleted = Math.round(acceptedLinesAdded * (0.1 + random() * 0.3));
  const totalLinesDeleted = acceptedLinesDeleted + Math.round(scale * between(random, 5, 150));
  // Bugbot reviews pull requests, which people open on working days.
  const bugbotUsages = !weekend && random() < 0.2 ? between(random, 1, 3) : 0;
  return {
    totalApplies,
    totalAccepts,
    totalRejects,
    totalTabsShown,
    totalTabsAccepted,
    totalLinesAdded,
    totalLinesDeleted,
    acceptedLinesAdded,
    acceptedLinesDeleted,
    bugbotUsages,
  };
}

/** A member's whole day, or undefined when not a member that day or idle. */
function memberDay(seed: string, profile: Profile, day: string): MemberDay | undefined {
  if (!isMemberOn(profile.entry, day)) return undefined;
  const random = randomFor(seed, 'day', day, profile.key);
  const weekend = isWeekend(day);
  const activeChance = clamp((weekend ? 0.12 : 0.72) * (0.75 + profile.intensity * 0.25), 0, 0.95);
  if (random() >= activeChance) return undefined;
  const scale = profile.intensity * (weekend ? 0.5 : 1) * (0.6 + random() * 0.8);
  const events = memberEvents(randomFor(seed, 'events', day, profile.key), profile, day, scale);
  return {
    entry: profile.entry,
    day,
    events,
    figures: dayFigures(random, events, scale, profile, weekend),
    clientVersion: clientVersion(day, profile.upgradeLagDays),
    applyExtension: profile.applyExtension,
    tabExtension: profile.tabExtension,
  };
}

// ---------------------------------------------------------------------------------------------
// Rows and events as served
// ---------------------------------------------------------------------------------------------

function idleRow(entry: CursorRosterEntry, day: string): CursorUsageRow {
  return {
    userId: entry.userId,
    day,
    date: dayStart(day),
    email: entry.member.email,
    isActive: false,
    totalLinesAdded: 0,
    totalLinesDeleted: 0,
    acceptedLinesAdded: 0,
    acceptedLinesDeleted: 0,
    totalApplies: 0,
    totalAccepts: 0,
    totalRejects: 0,
    totalTabsShown: 0,
    totalTabsAccepted: 0,
    composerRequests: 0,
    chatRequests: 0,
    agentRequests: 0,
    cmdkUsages: 0,
    subscriptionIncludedReqs: 0,
    apiKeyReqs: 0,
    usageBasedReqs: 0,
    bugbotUsages: 0,
    mostUsedModel: null,
    applyMostUsedExtension: null,
    tabMostUsedExtension: null,
    clientVersion: null,
  };
}

function mostUsedModel(events: readonly GeneratedEvent[]): string | null {
  const counts = new Map<string, number>();
  for (const { event } of events) counts.set(event.model, (counts.get(event.model) ?? 0) + 1);
  let best: string | null = null;
  let bestCount = 0;
  for (const model of MODELS) {
    const count = counts.get(model.id) ?? 0;
    if (count > bestCount) [best, bestCount] = [model.id, count];
  }
  return best;
}

/**
 * The served events of a member-day up to `cutoff` (exclusive, epoch ms; today is served up to the last
 * full hour), oldest first.
 */
export function eventsUntil(day: MemberDay, cutoff: number): GeneratedEvent[] {
  return day.events.filter((generated) => generated.at < cutoff);
}

/**
 * The row of a member-day. Up to `cutoff`: request counts are counted from the events before it, the
 * other figures scaled by the share of the day's events already seen (rounded down, which keeps
 * accepted ≤ applied, tabs accepted ≤ shown and accepted lines ≤ total lines).
 */
export function usageRow(
  entry: CursorRosterEntry,
  dayText: string,
  day: MemberDay | undefined,
  cutoff = Infinity,
): CursorUsageRow {
  if (!day) return idleRow(entry, dayText);
  const events = eventsUntil(day, cutoff);
  if (events.length === 0) return idleRow(entry, dayText);
  const share = events.length / day.events.length;
  const scaled = (value: number) => (share === 1 ? value : Math.floor(value * share));
  const count = (test: (generated: GeneratedEvent) => boolean) => events.filter(test).length;
  const figures = day.figures;
  const totalApplies = scaled(figures.totalApplies);
  const totalTabsShown = scaled(figures.totalTabsShown);
  return {
    userId: entry.userId,
    day: dayText,
    date: dayStart(dayText),
    email: entry.member.email,
    isActive: true,
    totalLinesAdded: scaled(figures.totalLinesAdded),
    totalLinesDeleted: scaled(figures.totalLinesDeleted),
    acceptedLinesAdded: scaled(figures.acceptedLinesAdded),
    acceptedLinesDeleted: scaled(figures.acceptedLinesDeleted),
    totalApplies,
    totalAccepts: scaled(figures.totalAccepts),
    totalRejects: scaled(figures.totalRejects),
    totalTabsShown,
    totalTabsAccepted: scaled(figures.totalTabsAccepted),
    composerRequests: count((generated) => generated.category === 'composer'),
    chatRequests: count((generated) => generated.category === 'chat'),
    agentRequests: count((generated) => generated.category === 'agent'),
    cmdkUsages: count((generated) => generated.category === 'cmdk'),
    subscriptionIncludedReqs: count((generated) => generated.event.kind === 'Included in Business'),
    apiKeyReqs: 0,
    usageBasedReqs: count((generated) => generated.event.kind === 'Usage-based'),
    bugbotUsages: scaled(figures.bugbotUsages),
    mostUsedModel: mostUsedModel(events),
    applyMostUsedExtension: totalApplies > 0 ? day.applyExtension : null,
    tabMostUsedExtension: totalTabsShown > 0 ? day.tabExtension : null,
    clientVersion: day.clientVersion,
  };
}

/** Newest first; equal timestamps by e-mail, then by the order within the member's day. */
export function compareEventsNewestFirst(a: GeneratedEvent, b: GeneratedEvent): number {
  if (a.at !== b.at) return b.at - a.at;
  if (a.event.userEmail !== b.event.userEmail) return a.event.userEmail < b.event.userEmail ? -1 : 1;
  return 0;
}

// ---------------------------------------------------------------------------------------------
// The team
// ---------------------------------------------------------------------------------------------

export interface CursorTeamData {
  roster: readonly CursorRosterEntry[];
  /** Every member-day of a day, members in roster order; idle or not-a-member days are undefined. */
  day(day: string): (MemberDay | undefined)[];
}

/** The team's members and a (memoised) generator of their days. */
export function cursorTeamData(options: RosterOptions): CursorTeamData {
  const all = profiles(options);
  const cache = new Map<string, (MemberDay | undefined)[]>();
  return {
    roster: all.map((profile) => profile.entry),
    day(day) {
      if (!isValidDay(day)) throw new RangeError(`day must be a YYYY-MM-DD day, got "${day}"`);
      let days = cache.get(day);
      if (!days) {
        days = all.map((profile) => memberDay(options.seed, profile, day));
        // Bounded by the days clients ask for, which the history window bounds.
        if (cache.size > 1_000) cache.clear();
        cache.set(day, days);
      }
      return days;
    },
  };
}

const hex8 = (value: number) => value.toString(16).padStart(8, '0');

// ---------------------------------------------------------------------------------------------
// Spend limits and the audit log
// ---------------------------------------------------------------------------------------------

export interface SpendLimits {
  hardLimitOverrideDollars: number;
  monthlyLimitDollars: number | null;
  effectivePerUserLimitDollars: number;
}

/** Most members have no limit of their own and get the team's; a few have one or an override. */
export function spendLimits(seed: string, entry: CursorRosterEntry): SpendLimits {
  const random = randomFor(seed, 'limits', entry.member.email);
  const hardLimitOverrideDollars = random() < 0.15 ? 400 : 0;
  const monthlyLimitDollars = random() < 0.25 ? 100 : null;
  return {
    hardLimitOverrideDollars,
    monthlyLimitDollars,
    effectivePerUserLimitDollars:
      hardLimitOverrideDollars > 0
        ? hardLimitOverrideDollars
        : (monthlyLimitDollars ?? TEAM_PER_USER_LIMIT_DOLLARS),
  };
}

export interface CursorAuditEvent {
  event_id: string;
  /** ISO 8601. */
  timestamp: string;
  ip_address: string;
  user_email: string;
  event_type: string;
  event_data: Record<string, unknown>;
}

/**
 * A plausible audit log, newest first: members added and removed, the API key created, a few settings
 * changed, and a weekly sign-in of every member over the five weeks before the anchor day.
 */
export function auditLog(
  seed: string,
  roster: readonly CursorRosterEntry[],
  anchorDay: string,
): CursorAuditEvent[] {
  const owner = roster[0]!.member;
  const events: { at: number; event: Omit<CursorAuditEvent, 'event_id' | 'timestamp'> }[] = [];
  const ip = (index: number) => `203.0.113.${10 + index}`;
  const at = (day: string, hour: number, minute: number) => dayStart(day) + hour * HOUR_MS + minute * 60_000;
  roster.forEach((entry, index) => {
    if (index > 0) {
      events.push({
        at: at(entry.joinedDay, 14, index * 7),
        event: {
          ip_address: ip(0),
          user_email: owner.email,
          event_type: 'add_user',
          event_data: { userEmail: entry.member.email, role: entry.member.role },
        },
      });
    }
    if (entry.removedDay !== null) {
      events.push({
        at: at(entry.removedDay, 8, 15 + index),
        event: {
          ip_address: ip(0),
          user_email: owner.email,
          event_type: 'remove_user',
          event_data: { userEmail: entry.member.email },
        },
      });
    }
    for (let week = 0; week < 5; week++) {
      const day = addDays(anchorDay, -(7 * week + ((new Date(dayStart(anchorDay)).getUTCDay() + 6) % 7)));
      if (!isMemberOn(entry, day)) continue;
      events.push({
        at: at(day, 8, (index * 13) % 60),
        event: {
          ip_address: ip(index),
          user_email: entry.member.email,
          event_type: 'login',
          event_data: { method: 'sso' },
        },
      });
    }
  });
  const settings: [number, number, string, Record<string, unknown>][] = [
    [60, 10, 'create_api_key', { keyName: 'usage-analytics', scopes: ['admin:*'] }],
    [20, 16, 'update_team_settings', { setting: 'privacyMode', value: 'enforced' }],
    [
      9,
      11,
      'update_user_spend_limit',
      { userEmail: (roster[1] ?? roster[0]!).member.email, hardLimitDollars: 400 },
    ],
  ];
  for (const [daysBack, hour, event_type, event_data] of settings) {
    events.push({
      at: at(addDays(anchorDay, -daysBack), hour, 5),
      event: { ip_address: ip(0), user_email: owner.email, event_type, event_data },
    });
  }
  return events
    .sort((a, b) => b.at - a.at)
    .map(({ at: time, event }, index) => ({
      event_id: `evt_${hex8(seedFrom(seed, 'audit', String(time), String(index)))}${hex8(time % 0xffffffff)}`,
      timestamp: new Date(time).toISOString(),
      ...event,
    }));
}
