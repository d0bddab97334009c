import {
  addMetrics,
  emptyBreakdowns,
  mergeByDeveloper,
  zeroMetrics,
  type DeveloperDayUsage,
  type DeveloperRef,
  type ExtraValue,
} from '../../domain/metrics';
import { exactCents, toMicroCents, wholeCents } from '../../domain/money';
import {
  cursorRawDaySchema,
  cursorUsageEventSchema,
  cursorUsageRowSchema,
  type CursorUsageEvent,
  type CursorUsageRow,
} from './schemas';

/**
 * Cursor's daily usage rows and usage events → the metric vocabulary (docs/metrics.md, "Cursor").
 * Tab completions are the suggestions (so the acceptance rate is the tab acceptance rate); Cursor's edit
 * decisions (applies, accepts, rejects) stay apart in extras, so no rate mixes the two.
 */

/** File extensions → the language ids other tools report (VS Code's), so one language reads as one name. */
const LANGUAGES: Record<string, string> = {
  ts: 'typescript',
  tsx: 'typescriptreact',
  js: 'javascript',
  jsx: 'javascriptreact',
  mjs: 'javascript',
  cjs: 'javascript',
  py: 'python',
  go: 'go',
  rs: 'rust',
  java: 'java',
  kt: 'kotlin',
  rb: 'ruby',
  php: 'php',
  cs: 'csharp',
  cpp: 'cpp',
  cc: 'cpp',
  c: 'c',
  h: 'c',
  swift: 'swift',
  scala: 'scala',
  sql: 'sql',
  sh: 'shellscript',
  md: 'markdown',
  json: 'json',
  yaml: 'yaml',
  yml: 'yaml',
  html: 'html',
  css: 'css',
  scss: 'scss',
  vue: 'vue',
  tf: 'terraform',
};

export function languageOf(extension: string): string {
  const bare = extension.trim().replace(/^\./, '').toLowerCase();
  return LANGUAGES[bare] ?? bare;
}

function userOf(email: string): DeveloperRef {
  const normalised = email.trim().toLowerCase();
  return { key: `email:${normalised}`, kind: 'user', email: normalised };
}

/** Requests made by an automation rather than a person (no e-mail): a service "developer". */
function serviceOf(event: CursorUsageEvent): DeveloperRef {
  const id = event.serviceAccountId ?? event.cloudAgentId ?? event.automationId ?? 'unknown';
  return {
    key: `cursor_service:${id}`,
    kind: 'service',
    display_name:
      event.serviceAccountName ?? (event.cloudAgentId ? 'Cursor cloud agent' : 'Cursor automation'),
  };
}

const requestsOf = (row: CursorUsageRow) =>
  row.composerRequests + row.chatRequests + row.agentRequests + row.cmdkUsages;

function rowToUsage(row: CursorUsageRow, day: string): DeveloperDayUsage | undefined {
  if (!row.email) return undefined;
  const metrics = zeroMetrics();
  metrics.requests = requestsOf(row);
  metrics.chat_turns = row.chatRequests + row.composerRequests + row.agentRequests;
  metrics.suggestions_shown = row.totalTabsShown;
  metrics.suggestions_accepted = row.totalTabsAccepted;
  // Prompts sent plus AI output the developer decided on: tabs shown and edits accepted or rejected.
  metrics.interactions = metrics.requests + row.totalTabsShown + row.totalAccepts + row.totalRejects;
  metrics.lines_added = row.acceptedLinesAdded;
  metrics.lines_removed = row.acceptedLinesDeleted;
  metrics.lines_accepted = row.acceptedLinesAdded;
  const active = row.isActive ?? (metrics.interactions > 0 || row.totalLinesAdded > 0);
  const breakdowns = emptyBreakdowns();
  // The day's most-used extension stands for all of its tab and applied-edit figures: the daily API names
  // only that one (an approximation, said in docs/metrics.md).
  if (row.tabMostUsedExtension && (row.totalTabsShown || row.totalTabsAccepted)) {
    addMetrics((breakdowns.languages[languageOf(row.tabMostUsedExtension)] ??= {}), {
      suggestions_shown: row.totalTabsShown,
      suggestions_accepted: row.totalTabsAccepted,
    });
  }
  if (row.applyMostUsedExtension && row.acceptedLinesAdded) {
    addMetrics((breakdowns.languages[languageOf(row.applyMostUsedExtension)] ??= {}), {
      lines_accepted: row.acceptedLinesAdded,
    });
  }
  const extras: Record<string, ExtraValue> = {
    'edit.applies': row.totalApplies,
    'edit.accepts': row.totalAccepts,
    'edit.rejects': row.totalRejects,
    'lines.total_added': row.totalLinesAdded,
    'lines.total_deleted': row.totalLinesDeleted,
    'requests.composer': row.composerRequests,
    'requests.chat': row.chatRequests,
    'requests.agent': row.agentRequests,
    'requests.cmdk': row.cmdkUsages,
    'requests.subscription_included': row.subscriptionIncludedReqs,
    'requests.usage_based': row.usageBasedReqs,
    'requests.api_key': row.apiKeyReqs,
    'bugbot.usages': row.bugbotUsages,
  };
  if (row.mostUsedModel) extras.most_used_model = row.mostUsedModel;
  if (row.clientVersion) extras.client_version = row.clientVersion;
  return { date: day, developer: userOf(row.email), active, metrics, breakdowns, extras };
}

/** Tokens, cost and a per-model breakdown of one developer's events of the day. */
function eventsToUsage(
  developer: DeveloperRef,
  events: readonly CursorUsageEvent[],
  day: string,
): DeveloperDayUsage {
  const metrics = zeroMetrics();
  const breakdowns = emptyBreakdowns();
  let charged = 0;
  const chargedByModel = new Map<string, number>();
  for (const event of events) {
    const model = event.model || 'unknown';
    const figures = {
      tokens_input: event.tokenUsage?.inputTokens ?? 0,
      tokens_output: event.tokenUsage?.outputTokens ?? 0,
      tokens_cache_read: event.tokenUsage?.cacheReadTokens ?? 0,
      tokens_cache_creation: event.tokenUsage?.cacheWriteTokens ?? 0,
    };
    addMetrics(metrics, figures);
    addMetrics((breakdowns.models[model] ??= {}), { ...figures, requests: 1 });
    const micro = toMicroCents(event.chargedCents);
    charged += micro;
    chargedByModel.set(model, (chargedByModel.get(model) ?? 0) + micro);
  }
  // Exact fractional cents are summed first and rounded once, per developer-day and per model.
  metrics.cost_cents = wholeCents(charged);
  for (const [model, micro] of chargedByModel) {
    (breakdowns.models[model] as { cost_cents?: number }).cost_cents = wholeCents(micro);
  }
  return {
    date: day,
    developer,
    active: events.length > 0,
    metrics,
    breakdowns,
    extras: { charged_cents: exactCents(charged), usage_events: events.length },
  };
}

/**
 * One day's raw answer (`rows` of the paged daily usage, `events` of filtered usage events) → one row per
 * developer. Members listed idle (`isActive: false`, no figures, no events) are not stored: they only prove
 * the day was served. Events of people are merged into their usage row; events without an e-mail belong
 * to the service account or cloud agent that made them.
 */
export function normalizeCursorDay(raw: unknown, day: string): DeveloperDayUsage[] {
  const parsed = cursorRawDaySchema.parse(raw);
  const usage: DeveloperDayUsage[] = [];
  for (const value of parsed.rows) {
    const row = cursorUsageRowSchema.parse(value);
    if (row.day !== day) throw new Error(`Cursor usage row for ${row.day}, expected ${day}`);
    const normalised = rowToUsage(row, day);
    if (normalised && (normalised.active || normalised.metrics.interactions > 0)) usage.push(normalised);
  }
  const eventsByDeveloper = new Map<string, { developer: DeveloperRef; events: CursorUsageEvent[] }>();
  for (const value of parsed.events) {
    const event = cursorUsageEventSchema.parse(value);
    const developer = event.userEmail ? userOf(event.userEmail) : serviceOf(event);
    const entry = eventsByDeveloper.get(developer.key) ?? { developer, events: [] };
    entry.events.push(event);
    eventsByDeveloper.set(developer.key, entry);
  }
  for (const { developer, events } of eventsByDeveloper.values())
    usage.push(eventsToUsage(developer, events, day));
  return mergeByDeveloper(usage);
}
