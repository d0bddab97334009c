import {
  addMetrics,
  emptyBreakdowns,
  mergeByDeveloper,
  zeroMetrics,
  type DeveloperDayUsage,
  type ExtraValue,
  type PartialMetrics,
} from '../../domain/metrics';
import {
  copilotRawDaySchema,
  copilotUserRecordSchema,
  copilotUserTeamSchema,
  type CopilotUserRecord,
} from './schemas';

/**
 * Copilot usage-metrics report rows → the metric vocabulary (docs/metrics.md, "GitHub Copilot").
 * One row per GitHub user per day; a user who appears twice (a report split across files) is merged.
 */
type Counters = Pick<
  CopilotUserRecord,
  | 'user_initiated_interaction_count'
  | 'code_generation_activity_count'
  | 'code_acceptance_activity_count'
  | 'loc_suggested_to_add_sum'
  | 'loc_added_sum'
  | 'loc_deleted_sum'
>;

/** The vocabulary figures of one set of Copilot counters (a user's day or one breakdown entry). */
export function copilotFigures(counters: Counters): PartialMetrics {
  return {
    interactions: counters.user_initiated_interaction_count + counters.code_generation_activity_count,
    requests: counters.user_initiated_interaction_count,
    chat_turns: counters.user_initiated_interaction_count,
    suggestions_shown: counters.code_generation_activity_count,
    suggestions_accepted: counters.code_acceptance_activity_count,
    lines_suggested: counters.loc_suggested_to_add_sum,
    lines_added: counters.loc_added_sum,
    lines_accepted: counters.loc_added_sum,
    lines_removed: counters.loc_deleted_sum,
  };
}

const FLAGS = [
  'used_agent',
  'used_chat',
  'used_cli',
  'used_copilot_code_review_active',
  'used_copilot_code_review_passive',
] as const;

function recordToUsage(record: CopilotUserRecord, day: string, teams: string[]): DeveloperDayUsage {
  const metrics = zeroMetrics();
  addMetrics(metrics, copilotFigures(record));
  const extras: Record<string, ExtraValue> = {};
  const cli = record.totals_by_cli;
  if (cli) {
    metrics.sessions = cli.session_count;
    metrics.tokens_input = cli.token_usage?.prompt_tokens_sum ?? 0;
    metrics.tokens_output = cli.token_usage?.output_tokens_sum ?? 0;
    extras['cli.request_count'] = cli.request_count;
    extras['cli.prompt_count'] = cli.prompt_count;
  }
  if (typeof record.ai_credits_used === 'number') extras.ai_credits_used = record.ai_credits_used;
  for (const flag of FLAGS) if (record[flag] !== undefined) extras[flag] = record[flag] as boolean;
  for (const entry of record.totals_by_feature) {
    extras[`feature.${entry.feature}.suggestions_shown`] = entry.code_generation_activity_count;
    extras[`feature.${entry.feature}.suggestions_accepted`] = entry.code_acceptance_activity_count;
    extras[`feature.${entry.feature}.interactions`] = entry.user_initiated_interaction_count;
  }

  const breakdowns = emptyBreakdowns();
  for (const entry of record.totals_by_ide)
    addMetrics((breakdowns.editors[entry.ide] ??= {}), copilotFigures(entry));
  // Language × feature covers completions and chat; language × model (chat only) would count chat twice.
  for (const entry of record.totals_by_language_feature) {
    addMetrics((breakdowns.languages[entry.language] ??= {}), copilotFigures(entry));
  }
  for (const entry of record.totals_by_model_feature) {
    addMetrics((breakdowns.models[entry.model] ??= {}), copilotFigures(entry));
  }

  return {
    date: day,
    developer: { key: `github:${record.user_id}`, kind: 'user', login: record.user_login },
    // Every user in the report was active that day, even one whose breakdowns are empty (GitHub adds
    // users seen only by server-side signals).
    active: true,
    metrics,
    breakdowns,
    extras,
    ...(teams.length > 0 ? { teams } : {}),
  };
}

/** user id → team slugs of the day (GitHub leaves out teams with fewer than five Copilot users). */
function teamsByUser(records: unknown[], day: string): Map<string, string[]> {
  const teams = new Map<string, Set<string>>();
  records.forEach((value, index) => {
    const parsed = copilotUserTeamSchema.safeParse(value);
    if (!parsed.success) {
      throw new Error(
        `user-teams-1-day record ${index + 1} of ${day} is malformed: ${parsed.error.issues[0]?.message}`,
      );
    }
    if (parsed.data.day !== undefined && parsed.data.day !== day) return;
    const set = teams.get(parsed.data.user_id) ?? new Set<string>();
    set.add(parsed.data.slug);
    teams.set(parsed.data.user_id, set);
  });
  return new Map([...teams].map(([user, set]) => [user, [...set].sort()]));
}

export function normalizeCopilotDay(raw: unknown, day: string): DeveloperDayUsage[] {
  const parsedRaw = copilotRawDaySchema.parse(raw);
  const teams = teamsByUser(parsedRaw.user_teams, day);
  const rows: DeveloperDayUsage[] = [];
  parsedRaw.users.forEach((value, index) => {
    const parsed = copilotUserRecordSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(
        `users-1-day record ${index + 1} of ${day} is malformed: ${issue?.path.join('.')} ${issue?.message}`,
      );
    }
    if (parsed.data.day !== day) {
      throw new Error(`users-1-day record ${index + 1} is for ${parsed.data.day}, expected ${day}`);
    }
    const usage = recordToUsage(parsed.data, day, teams.get(parsed.data.user_id) ?? []);
    rows.push(usage);
  });
  return mergeByDeveloper(rows);
}
