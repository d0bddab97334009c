import { z } from 'zod';

/**
 * Shapes of the GitHub REST answers this provider reads (provider-apis.md, section 2). Unknown fields
 * pass through; counters GitHub leaves out count as zero.
 */
const count = z.number().nonnegative().default(0);

/** Connect options: exactly one of an organisation or an enterprise (both are GitHub slugs). */
const slug = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9](?:[A-Za-z0-9-_.]*[A-Za-z0-9])?$/, 'is not a GitHub organisation or enterprise slug');
export const copilotOptionsSchema = z.union(
  [z.object({ org: slug }).strict(), z.object({ enterprise: slug }).strict()],
  { error: 'name exactly one of "org" (a GitHub organisation) or "enterprise" (an enterprise slug)' },
);
export type CopilotOptions = z.infer<typeof copilotOptionsSchema>;

export const reportLinksSchema = z.looseObject({
  download_links: z.array(z.string().url()),
  report_day: z.string().optional(),
});

const counters = {
  user_initiated_interaction_count: count,
  code_generation_activity_count: count,
  code_acceptance_activity_count: count,
  loc_suggested_to_add_sum: count,
  loc_suggested_to_delete_sum: count,
  loc_added_sum: count,
  loc_deleted_sum: count,
};

export const copilotUserRecordSchema = z.looseObject({
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'day must be YYYY-MM-DD'),
  user_id: z.union([z.number().int(), z.string().regex(/^\d+$/)]).transform(String),
  user_login: z.string().min(1),
  ...counters,
  used_agent: z.boolean().optional(),
  used_chat: z.boolean().optional(),
  used_cli: z.boolean().optional(),
  used_copilot_code_review_active: z.boolean().optional(),
  used_copilot_code_review_passive: z.boolean().optional(),
  // Added 2026-06-19; documented as a number, absent on older rows.
  ai_credits_used: z.coerce.number().nonnegative().nullable().optional(),
  totals_by_ide: z.array(z.looseObject({ ide: z.string().min(1), ...counters })).default([]),
  totals_by_feature: z.array(z.looseObject({ feature: z.string().min(1), ...counters })).default([]),
  totals_by_language_feature: z
    .array(z.looseObject({ language: z.string().min(1), feature: z.string().optional(), ...counters }))
    .default([]),
  totals_by_model_feature: z
    .array(z.looseObject({ model: z.string().min(1), feature: z.string().optional(), ...counters }))
    .default([]),
  totals_by_cli: z
    .looseObject({
      session_count: count,
      request_count: count,
      prompt_count: count,
      token_usage: z.looseObject({ prompt_tokens_sum: count, output_tokens_sum: count }).optional(),
    })
    .nullable()
    .optional(),
});
export type CopilotUserRecord = z.infer<typeof copilotUserRecordSchema>;

export const copilotUserTeamSchema = z.looseObject({
  user_id: z.union([z.number().int(), z.string().regex(/^\d+$/)]).transform(String),
  day: z.string().optional(),
  team_id: z.union([z.number(), z.string()]).optional(),
  slug: z.string().min(1),
});

/**
 * What the fetcher keeps per day: every report line unchanged (links are never kept — they are
 * signed). `users` = users-1-day, `user_teams` = user-teams-1-day.
 */
export const copilotRawDaySchema = z.object({
  users: z.array(z.unknown()),
  user_teams: z.array(z.unknown()).default([]),
});
export type CopilotRawDay = z.infer<typeof copilotRawDaySchema>;

export const copilotSeatSchema = z.looseObject({
  created_at: z.string().optional(),
  pending_cancellation_date: z.string().nullable().optional(),
  last_activity_at: z.string().nullable().optional(),
  last_activity_editor: z.string().nullable().optional(),
  plan_type: z.string().optional(),
  assignee: z
    .looseObject({ id: z.union([z.number(), z.string()]).transform(String), login: z.string().optional() })
    .nullable(),
  assigning_team: z
    .looseObject({ slug: z.string().optional(), name: z.string().optional() })
    .nullable()
    .optional(),
});

export type CopilotSeat = z.infer<typeof copilotSeatSchema>;

export const copilotSeatsPageSchema = z.looseObject({
  total_seats: z.number().int().nonnegative(),
  seats: z.array(copilotSeatSchema),
});

export const githubOrganizationSchema = z.looseObject({
  id: z.union([z.number(), z.string()]).transform(String),
  login: z.string(),
  name: z.string().nullable().optional(),
});

export const githubErrorSchema = z.looseObject({
  message: z.string(),
  documentation_url: z.string().optional(),
});

/**
 * GitHub's GraphQL answer to the SAML external identities query (organisation or enterprise form). Lenient:
 * every field may be null or absent (no SSO → `samlIdentityProvider: null`; a refusal → `errors` and null data).
 */
const identityEmails = z
  .array(
    z
      .looseObject({ value: z.string().nullable().optional(), primary: z.boolean().nullable().optional() })
      .nullable(),
  )
  .nullable()
  .optional();

export const externalIdentityNodeSchema = z.looseObject({
  user: z
    .looseObject({
      login: z.string().nullable().optional(),
      databaseId: z.number().int().nullable().optional(),
    })
    .nullable()
    .optional(),
  samlIdentity: z
    .looseObject({ nameId: z.string().nullable().optional(), emails: identityEmails })
    .nullable()
    .optional(),
  scimIdentity: z.looseObject({ emails: identityEmails }).nullable().optional(),
});
export type ExternalIdentityNode = z.infer<typeof externalIdentityNodeSchema>;

const samlIdentityProviderSchema = z
  .looseObject({
    externalIdentities: z
      .looseObject({
        pageInfo: z.looseObject({
          hasNextPage: z.boolean().nullable().optional(),
          endCursor: z.string().nullable().optional(),
        }),
        nodes: z.array(externalIdentityNodeSchema.nullable()).nullable().optional(),
      })
      .nullable()
      .optional(),
  })
  .nullable()
  .optional();

export const samlIdentitiesAnswerSchema = z.looseObject({
  data: z
    .looseObject({
      organization: z.looseObject({ samlIdentityProvider: samlIdentityProviderSchema }).nullable().optional(),
      enterprise: z
        .looseObject({
          ownerInfo: z
            .looseObject({ samlIdentityProvider: samlIdentityProviderSchema })
            .nullable()
            .optional(),
        })
        .nullable()
        .optional(),
    })
    .nullable()
    .optional(),
  errors: z
    .array(z.looseObject({ type: z.string().optional(), message: z.string().optional() }))
    .nullable()
    .optional(),
});
