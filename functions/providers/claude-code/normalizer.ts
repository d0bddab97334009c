import {
  addMetrics,
  emptyBreakdowns,
  mergeByDeveloper,
  zeroMetrics,
  type DeveloperDayUsage,
  type ExtraValue,
} from '../../domain/metrics';
import { claudeCodeRawDaySchema, claudeCodeRecordSchema, type ClaudeCodeRecord } from './schemas';

/**
 * Claude Code records → the metric vocabulary (docs/metrics.md, "Claude Code").
 * The API may report one actor in several records a day (e.g. per terminal); rows are merged per
 * actor so a developer-day is one row whatever the provider does.
 */
export function claudeCodeDeveloper(record: ClaudeCodeRecord): DeveloperDayUsage['developer'] {
  if (record.actor.type === 'user_actor') {
    const email = String(record.actor.email_address).trim().toLowerCase();
    return { key: `email:${email}`, kind: 'user', email };
  }
  const name = String(record.actor.api_key_name);
  return { key: `api_key:${name}`, kind: 'service', display_name: name };
}

function recordToUsage(record: ClaudeCodeRecord, day: string): DeveloperDayUsage {
  const core = record.core_metrics;
  const metrics = zeroMetrics();
  const extras: Record<string, ExtraValue> = {};
  for (const [tool, actions] of Object.entries(record.tool_actions)) {
    metrics.suggestions_shown += actions.accepted + actions.rejected;
    metrics.suggestions_accepted += actions.accepted;
    extras[`tool_actions.${tool}.accepted`] = actions.accepted;
    extras[`tool_actions.${tool}.rejected`] = actions.rejected;
  }
  metrics.sessions = core.num_sessions;
  metrics.lines_added = core.lines_of_code.added;
  metrics.lines_removed = core.lines_of_code.removed;
  // Claude Code reports only changes it applied, so every added line is an accepted line.
  metrics.lines_accepted = core.lines_of_code.added;
  metrics.commits = core.commits_by_claude_code;
  metrics.pull_requests = core.pull_requests_by_claude_code;
  metrics.interactions = metrics.sessions + metrics.suggestions_shown;

  const breakdowns = emptyBreakdowns();
  for (const entry of record.model_breakdown) {
    const cents = entry.estimated_cost?.currency === 'USD' ? Math.round(entry.estimated_cost.amount) : 0;
    if (entry.estimated_cost && entry.estimated_cost.currency !== 'USD') {
      extras[`estimated_cost.${entry.estimated_cost.currency}`] = entry.estimated_cost.amount;
    }
    const figures = {
      tokens_input: entry.tokens.input,
      tokens_output: entry.tokens.output,
      tokens_cache_read: entry.tokens.cache_read,
      tokens_cache_creation: entry.tokens.cache_creation,
      cost_cents: cents,
    };
    addMetrics(metrics, figures);
    addMetrics((breakdowns.models[entry.model] ??= {}), figures);
  }
  const terminal = record.terminal_type ?? 'unknown';
  breakdowns.editors[terminal] = { sessions: metrics.sessions, interactions: metrics.interactions };
  if (record.customer_type) extras.customer_type = record.customer_type;
  if (record.subscription_type) extras.subscription_type = record.subscription_type;

  return { date: day, developer: claudeCodeDeveloper(record), active: true, metrics, breakdowns, extras };
}

export function normalizeClaudeCodeDay(raw: unknown, day: string): DeveloperDayUsage[] {
  const { records } = claudeCodeRawDaySchema.parse(raw);
  const rows: DeveloperDayUsage[] = [];
  records.forEach((value, index) => {
    const parsed = claudeCodeRecordSchema.safeParse(value);
    if (!parsed.success) {
      throw new Error(
        `Claude Code record ${index + 1} of ${day} is malformed: ${parsed.error.issues[0]?.message}`,
      );
    }
    const recordDay = parsed.data.date.slice(0, 10);
    if (recordDay !== day)
      throw new Error(`Claude Code record ${index + 1} is for ${recordDay}, expected ${day}`);
    const usage = recordToUsage(parsed.data, day);
    rows.push(usage);
  });
  return mergeByDeveloper(rows);
}
