import { z } from 'zod';

/** Shapes of the Claude Code Analytics API (docs: usage_report/claude_code). Unknown fields pass through. */
const count = z.number().nonnegative().default(0);

export const claudeCodeActorSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('user_actor'), email_address: z.string().min(1) }),
  z.looseObject({ type: z.literal('api_actor'), api_key_name: z.string().min(1) }),
]);

export const claudeCodeRecordSchema = z.looseObject({
  // Documented as a UTC date; examples show RFC 3339 midnight. Both are accepted.
  date: z.string(),
  actor: claudeCodeActorSchema,
  organization_id: z.string().optional(),
  customer_type: z.string().optional(),
  subscription_type: z.string().nullable().optional(),
  terminal_type: z.string().nullable().optional(),
  core_metrics: z
    .looseObject({
      num_sessions: count,
      lines_of_code: z.looseObject({ added: count, removed: count }).default({ added: 0, removed: 0 }),
      commits_by_claude_code: count,
      pull_requests_by_claude_code: count,
    })
    .default({
      num_sessions: 0,
      lines_of_code: { added: 0, removed: 0 },
      commits_by_claude_code: 0,
      pull_requests_by_claude_code: 0,
    }),
  // Open map: documented keys are edit_tool, multi_edit_tool, write_tool, notebook_edit_tool.
  tool_actions: z.record(z.string(), z.looseObject({ accepted: count, rejected: count })).default({}),
  model_breakdown: z
    .array(
      z.looseObject({
        model: z.string(),
        tokens: z
          .looseObject({ input: count, output: count, cache_read: count, cache_creation: count })
          .default({ input: 0, output: 0, cache_read: 0, cache_creation: 0 }),
        estimated_cost: z.looseObject({ amount: z.number(), currency: z.string() }).optional(),
      }),
    )
    .default([]),
});
export type ClaudeCodeRecord = z.infer<typeof claudeCodeRecordSchema>;

export const claudeCodePageSchema = z.looseObject({
  data: z.array(z.unknown()),
  has_more: z.boolean(),
  next_page: z.string().nullable().optional(),
});

/** What the fetcher keeps per day: every record the API returned, unchanged. */
export const claudeCodeRawDaySchema = z.object({ records: z.array(z.unknown()) });
export type ClaudeCodeRawDay = z.infer<typeof claudeCodeRawDaySchema>;

export const anthropicOrganizationSchema = z.looseObject({ id: z.string(), name: z.string().default('') });

export const anthropicErrorSchema = z.looseObject({
  error: z.looseObject({ type: z.string(), message: z.string() }),
});
