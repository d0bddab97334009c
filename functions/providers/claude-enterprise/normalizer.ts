import {
  addMetrics,
  emptyBreakdowns,
  zeroMetrics,
  type DeveloperDayUsage,
  type DeveloperRef,
  type ExtraValue,
} from '../../domain/metrics';
import { exactCents, microCentsOfDecimal, wholeCents } from '../../domain/money';
import {
  enterpriseRawDaySchema,
  userActivitySchema,
  userCostRowSchema,
  userUsageRowSchema,
  type UserActivity,
} from './schemas';

/**
 * One day of the Claude Enterprise Analytics API → the metric vocabulary (docs/metrics.md, "Claude Enterprise
 * Analytics"): Claude Code figures of the developers on Enterprise seats, in the same terms as the Admin API's
 * Claude Code rows, keyed by the same `email:<address>`, so one person's rows from both sources meet.
 * Engagement comes from the user rows, tokens and cost (by model) from the usage and cost reports, the
 * developer's RBAC groups of the day from the usage report grouped by group.
 */

interface Developer {
  ref: DeveloperRef;
  userId?: string;
  metrics: DeveloperDayUsage['metrics'];
  breakdowns: DeveloperDayUsage['breakdowns'];
  extras: Record<string, ExtraValue>;
  /** Exact USD cost in micro-cents, in all and per model, rounded to cents once at the end. */
  costMicro: number;
  listMicro: number;
  modelMicro: Map<string, number>;
  otherCurrencies: Map<string, number>;
  groups: Set<string>;
  engaged: boolean;
}

const rowDay = (startingAt: string) => startingAt.slice(0, 10);

function centsOf(text: string, what: string): number {
  const micro = microCentsOfDecimal(text);
  if (micro === undefined) throw new Error(`${what} is not a decimal amount of cents`);
  return micro;
}

/** The developers of one day, found by e-mail (lower-cased) or, for a row without one, by user id. */
class Developers {
  private readonly byKey = new Map<string, Developer>();
  private readonly emailOfUser = new Map<string, string>();

  constructor(users: readonly UserActivity[]) {
    for (const row of users) {
      if (row.user) this.emailOfUser.set(row.user.id, row.user.email_address.trim().toLowerCase());
    }
  }

  get(actor: { email?: string | null; user_id?: string | null; name?: string | null }): Developer {
    const email =
      actor.email?.trim().toLowerCase() || (actor.user_id ? this.emailOfUser.get(actor.user_id) : undefined);
    const key = email ? `email:${email}` : `claude_user:${actor.user_id ?? 'unknown'}`;
    let developer = this.byKey.get(key);
    if (!developer) {
      developer = {
        ref: { key, kind: 'user', ...(email ? { email } : {}) },
        metrics: zeroMetrics(),
        breakdowns: emptyBreakdowns(),
        extras: {},
        costMicro: 0,
        listMicro: 0,
        modelMicro: new Map(),
        otherCurrencies: new Map(),
        groups: new Set(),
        engaged: false,
      };
      this.byKey.set(key, developer);
    }
    if (actor.user_id) developer.userId ??= actor.user_id;
    if (actor.name && !developer.ref.display_name) developer.ref.display_name = actor.name;
    return developer;
  }

  all(): Developer[] {
    return [...this.byKey.values()];
  }
}

function addEngagement(developer: Developer, row: UserActivity): void {
  const { core_metrics: core, tool_actions: tools } = row.claude_code_metrics;
  const metrics = developer.metrics;
  for (const [tool, actions] of Object.entries(tools)) {
    metrics.suggestions_shown += actions.accepted_count + actions.rejected_count;
    metrics.suggestions_accepted += actions.accepted_count;
    if (actions.accepted_count || actions.rejected_count) {
      developer.extras[`tool_actions.${tool}.accepted`] = actions.accepted_count;
      developer.extras[`tool_actions.${tool}.rejected`] = actions.rejected_count;
    }
  }
  metrics.sessions += core.distinct_session_count;
  metrics.lines_added += core.lines_of_code.added_count;
  metrics.lines_removed += core.lines_of_code.removed_count;
  // Claude Code reports only changes it applied, so every added line is an accepted line.
  metrics.lines_accepted += core.lines_of_code.added_count;
  metrics.commits += core.commit_count;
  metrics.pull_requests += core.pull_request_count;
  metrics.interactions = metrics.sessions + metrics.suggestions_shown;
  developer.engaged ||=
    metrics.interactions > 0 || metrics.lines_added > 0 || metrics.lines_removed > 0 || metrics.commits > 0;
}

function finish(developer: Developer, day: string, groupNames: ReadonlyMap<string, string | null>) {
  const extras = developer.extras;
  if (developer.userId) extras.user_id = developer.userId;
  if (developer.costMicro || developer.listMicro) {
    developer.metrics.cost_cents = wholeCents(developer.costMicro);
    extras.amount_cents = exactCents(developer.costMicro);
    extras.list_amount_cents = exactCents(developer.listMicro);
    for (const [model, micro] of developer.modelMicro) {
      (developer.breakdowns.models[model] ??= {}).cost_cents = wholeCents(micro);
    }
  }
  for (const [currency, micro] of developer.otherCurrencies) extras[`amount.${currency}`] = exactCents(micro);
  const teams = [...developer.groups].map((id) => groupNames.get(id) || id).sort();
  if (developer.groups.size) extras.rbac_group_ids = [...developer.groups].sort().join(',');
  const usage: DeveloperDayUsage = {
    date: day,
    developer: developer.ref,
    active: true,
    metrics: developer.metrics,
    breakdowns: developer.breakdowns,
    extras,
    ...(teams.length ? { teams: [...new Set(teams)] } : {}),
  };
  return usage;
}

/**
 * One day's raw answer → one row per developer who used Claude Code that day (engagement, tokens or cost).
 * Seat users who only chatted, and users listed with zeros, are not stored: this provider's tool is Claude Code.
 */
export function normalizeClaudeEnterpriseDay(raw: unknown, day: string): DeveloperDayUsage[] {
  const parsed = enterpriseRawDaySchema.parse(raw);
  const users = parsed.users.map((value, index) => {
    const row = userActivitySchema.safeParse(value);
    if (!row.success) {
      throw new Error(`user row ${index + 1} of ${day} is malformed: ${row.error.issues[0]?.message}`);
    }
    return row.data;
  });
  const developers = new Developers(users);
  for (const row of users) {
    if (row.user) addEngagement(developers.get({ email: row.user.email_address, user_id: row.user.id }), row);
  }

  parsed.usage.forEach((value, index) => {
    const row = userUsageRowSchema.parse(value);
    if (rowDay(row.starting_at) !== day) throw new Error(`usage row ${index + 1} is not of ${day}`);
    const developer = developers.get(row.actor);
    const figures = {
      tokens_input: row.uncached_input_tokens,
      tokens_output: row.output_tokens,
      tokens_cache_read: row.cache_read_input_tokens,
      tokens_cache_creation:
        row.cache_creation.ephemeral_1h_input_tokens + row.cache_creation.ephemeral_5m_input_tokens,
      requests: row.requests,
    };
    addMetrics(developer.metrics, figures);
    addMetrics((developer.breakdowns.models[row.model || 'unknown'] ??= {}), figures);
    developer.engaged ||= row.requests > 0 || row.output_tokens > 0;
  });

  parsed.costs.forEach((value, index) => {
    const row = userCostRowSchema.parse(value);
    if (rowDay(row.starting_at) !== day) throw new Error(`cost row ${index + 1} is not of ${day}`);
    const developer = developers.get(row.actor);
    const micro = centsOf(row.amount, `cost row ${index + 1}`);
    if (row.currency !== 'USD') {
      developer.otherCurrencies.set(row.currency, (developer.otherCurrencies.get(row.currency) ?? 0) + micro);
      return;
    }
    const model = row.model || 'unknown';
    developer.costMicro += micro;
    developer.listMicro += row.list_amount ? centsOf(row.list_amount, `cost row ${index + 1}`) : micro;
    developer.modelMicro.set(model, (developer.modelMicro.get(model) ?? 0) + micro);
    developer.engaged ||= micro > 0;
  });

  parsed.groups.forEach((value, index) => {
    const row = userUsageRowSchema.parse(value);
    if (rowDay(row.starting_at) !== day) throw new Error(`group row ${index + 1} is not of ${day}`);
    if (row.rbac_group_id) developers.get(row.actor).groups.add(row.rbac_group_id);
  });

  const groupNames = new Map(parsed.group_names.map((group) => [group.rbac_group_id, group.rbac_group_name]));
  return developers
    .all()
    .filter((developer) => developer.engaged)
    .map((developer) => finish(developer, day, groupNames))
    .sort((a, b) => a.developer.key.localeCompare(b.developer.key));
}
