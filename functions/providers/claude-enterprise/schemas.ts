import { z } from 'zod';

/**
 * Shapes of the Claude Enterprise Analytics API answers this provider reads (`/v1/organizations/analytics/…`;
 * provider-apis-2026-11.md §3.1). Unknown fields pass through; a figure left out counts as 0 (the API sends
 * zeros, never null, in its per-product blocks).
 */
const count = z.number().nonnegative().default(0);
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD');

const toolActionSchema = z.looseObject({ accepted_count: count, rejected_count: count });

export const claudeCodeMetricsSchema = z.looseObject({
  core_metrics: z
    .looseObject({
      commit_count: count,
      distinct_session_count: count,
      lines_of_code: z
        .looseObject({ added_count: count, removed_count: count })
        .default({ added_count: 0, removed_count: 0 }),
      pull_request_count: count,
    })
    .default({
      commit_count: 0,
      distinct_session_count: 0,
      lines_of_code: { added_count: 0, removed_count: 0 },
      pull_request_count: 0,
    }),
  // Documented keys: edit_tool, multi_edit_tool, notebook_edit_tool, write_tool; read as an open map.
  tool_actions: z.record(z.string(), toolActionSchema).default({}),
});

/** One row of `GET /analytics/users`: a user's day (`user` is absent on grouped rows). */
export const userActivitySchema = z.looseObject({
  user: z.looseObject({ id: z.string(), email_address: z.string() }).optional(),
  claude_code_metrics: claudeCodeMetricsSchema.default({
    core_metrics: {
      commit_count: 0,
      distinct_session_count: 0,
      lines_of_code: { added_count: 0, removed_count: 0 },
      pull_request_count: 0,
    },
    tool_actions: {},
  }),
  last_activity_date: day.nullable().optional(),
  rbac_group_id: z.string().nullable().optional(),
  rbac_group_name: z.string().nullable().optional(),
  distinct_user_count: z.number().nullable().optional(),
});
export type UserActivity = z.infer<typeof userActivitySchema>;

export const userActivityPageSchema = z.looseObject({
  data: z.array(z.unknown()),
  next_page: z.string().nullable().optional(),
});

/** The person a cost or usage row is about. */
export const reportActorSchema = z.looseObject({
  type: z.string().optional(),
  user_id: z.string().nullable().optional(),
  email: z.string().nullable().optional(),
  name: z.string().nullable().optional(),
  deleted: z.boolean().optional(),
});

/** A row of `user_usage_report` (bucketed by day; grouped by model, or by RBAC group). */
export const userUsageRowSchema = z.looseObject({
  actor: reportActorSchema,
  starting_at: z.string(),
  model: z.string().nullable().optional(),
  rbac_group_id: z.string().nullable().optional(),
  uncached_input_tokens: count,
  cache_creation: z
    .looseObject({ ephemeral_1h_input_tokens: count, ephemeral_5m_input_tokens: count })
    .default({ ephemeral_1h_input_tokens: 0, ephemeral_5m_input_tokens: 0 }),
  cache_read_input_tokens: count,
  output_tokens: count,
  requests: count,
});
export type UserUsageRow = z.infer<typeof userUsageRowSchema>;

/** A row of `user_cost_report` (bucketed by day, grouped by model): `amount` is a decimal string in cents. */
export const userCostRowSchema = z.looseObject({
  actor: reportActorSchema,
  starting_at: z.string(),
  model: z.string().nullable().optional(),
  amount: z.string(),
  list_amount: z.string().nullable().optional(),
  currency: z.string().default('USD'),
});
export type UserCostRow = z.infer<typeof userCostRowSchema>;

export const reportPageSchema = z.looseObject({
  data: z.array(z.unknown()),
  has_more: z.boolean(),
  next_page: z.string().nullable().optional(),
  organization_id: z.string().optional(),
  data_refreshed_at: z.string().nullable().optional(),
});

/** One day of `GET /analytics/summaries`. Per-product counts are omitted while the breakdown is off. */
export const daySummarySchema = z.looseObject({
  starting_at: z.string(),
  // No default: a count the answer leaves out is unknown, not zero (a zero skips the day's user request).
  daily_active_user_count: z.number().nonnegative().optional(),
  weekly_active_user_count: z.number().nonnegative().optional(),
  monthly_active_user_count: z.number().nonnegative().optional(),
  assigned_seat_count: z.number().nullable().optional(),
  pending_invite_count: z.number().nullable().optional(),
  claude_code_daily_active_user_count: z.number().nullable().optional(),
  claude_code_weekly_active_user_count: z.number().nullable().optional(),
  claude_code_monthly_active_user_count: z.number().nullable().optional(),
});
export type DaySummary = z.infer<typeof daySummarySchema>;

export const summariesSchema = z.looseObject({ summaries: z.array(daySummarySchema) });

/** An RBAC group as the grouped user rows name it; the name is null once the group is deleted. */
export const rbacGroupSchema = z.looseObject({
  rbac_group_id: z.string(),
  rbac_group_name: z.string().nullable().default(null),
});
export type RbacGroup = z.infer<typeof rbacGroupSchema>;

/**
 * What is kept per day: the day's summary, every user row of the day, the day's cost rows (by model), token
 * rows (by model) and group rows (usage by RBAC group: who held which group), and the names of those groups.
 */
export const enterpriseRawDaySchema = z.object({
  summary: z.unknown().nullable(),
  users: z.array(z.unknown()),
  costs: z.array(z.unknown()),
  usage: z.array(z.unknown()),
  groups: z.array(z.unknown()),
  group_names: z.array(rbacGroupSchema),
});
export type EnterpriseRawDay = z.infer<typeof enterpriseRawDaySchema>;
