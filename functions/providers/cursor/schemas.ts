import { z } from 'zod';

/**
 * Shapes of the Cursor Admin API answers this provider reads (provider-apis.md §3, provider-apis-2026-11.md §1).
 * Unknown fields pass through; figures a row leaves out count as 0.
 */
const count = z.number().nonnegative().default(0);
const text = z.string().nullable().optional();
const epochMs = z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]);

/** Four error shapes: `{error, message}`, `{code: "error", message}`, `{error}`, `{outcome: "error", message}`. */
export const cursorErrorSchema = z.looseObject({
  error: z.string().optional(),
  code: z.string().optional(),
  outcome: z.string().optional(),
  message: z.string().optional(),
});

export const cursorMemberSchema = z.looseObject({
  id: z.string().optional(),
  name: z.string().nullable().optional(),
  email: z.string().min(1),
  role: z.string().optional(),
  isRemoved: z.boolean().optional(),
});
export type CursorMember = z.infer<typeof cursorMemberSchema>;
export const cursorMembersSchema = z.looseObject({ teamMembers: z.array(cursorMemberSchema) });

export const cursorAuditLogsSchema = z.looseObject({
  params: z.looseObject({ teamId: z.union([z.number(), z.string()]).optional() }).optional(),
});

export const cursorUsageRowSchema = z.looseObject({
  userId: z.union([z.number(), z.string()]).optional(),
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'day must be YYYY-MM-DD'),
  date: epochMs.optional(),
  email: z.string().nullable().optional(),
  // Documented as present only in paged mode; when absent, activity is read from the figures.
  isActive: z.boolean().optional(),
  totalLinesAdded: count,
  totalLinesDeleted: count,
  acceptedLinesAdded: count,
  acceptedLinesDeleted: count,
  totalApplies: count,
  totalAccepts: count,
  totalRejects: count,
  totalTabsShown: count,
  totalTabsAccepted: count,
  composerRequests: count,
  chatRequests: count,
  agentRequests: count,
  cmdkUsages: count,
  subscriptionIncludedReqs: count,
  apiKeyReqs: count,
  usageBasedReqs: count,
  bugbotUsages: count,
  mostUsedModel: text,
  applyMostUsedExtension: text,
  tabMostUsedExtension: text,
  clientVersion: text,
});
export type CursorUsageRow = z.infer<typeof cursorUsageRowSchema>;

export const cursorUsagePageSchema = z.looseObject({
  data: z.array(z.unknown()),
  pagination: z
    .looseObject({ page: z.number().optional(), totalPages: z.number().optional(), hasNextPage: z.boolean() })
    .optional(),
});

export const cursorUsageEventSchema = z.looseObject({
  // Epoch milliseconds as a string of digits (a number is accepted too).
  timestamp: epochMs,
  userEmail: z.string().nullable().optional(),
  serviceAccountId: z.string().nullable().optional(),
  serviceAccountName: z.string().nullable().optional(),
  cloudAgentId: z.string().nullable().optional(),
  automationId: z.string().nullable().optional(),
  conversationId: z.string().nullable().optional(),
  model: z.string().nullable().optional(),
  kind: z.string().nullable().optional(),
  maxMode: z.boolean().optional(),
  requestsCosts: z.number().optional(),
  isTokenBasedCall: z.boolean().optional(),
  isChargeable: z.boolean().optional(),
  isHeadless: z.boolean().optional(),
  tokenUsage: z
    .looseObject({
      inputTokens: count,
      outputTokens: count,
      cacheWriteTokens: count,
      cacheReadTokens: count,
      totalCents: z.number().optional(),
    })
    .nullable()
    .optional(),
  chargedCents: z.number().nonnegative().default(0),
  cursorTokenFee: z.number().optional(),
});
export type CursorUsageEvent = z.infer<typeof cursorUsageEventSchema>;

export const cursorEventsPageSchema = z.looseObject({
  usageEvents: z.array(z.unknown()),
  pagination: z.looseObject({ hasNextPage: z.boolean() }).optional(),
});

export const cursorSpendPageSchema = z.looseObject({
  teamMemberSpend: z.array(
    z.looseObject({
      userId: z.string().optional(),
      email: z.string().min(1),
      name: z.string().nullable().optional(),
      spendCents: z.number().nonnegative().default(0),
      overallSpendCents: z.number().optional(),
    }),
  ),
  subscriptionCycleStart: epochMs.optional(),
  totalPages: z.number().optional(),
});

/** What is kept per day: that day's usage rows and charged events, as the API sent them. */
export const cursorRawDaySchema = z.object({
  rows: z.array(z.unknown()),
  events: z.array(z.unknown()),
});
export type CursorRawDay = z.infer<typeof cursorRawDaySchema>;
