import { GRAINS } from '../domain/series';
import { z } from 'zod';
import { BREAKDOWN_DIMENSIONS, METRIC_NAMES } from '../domain/metrics';
import { SYNC_JOB_DELIVERY } from '../domain/provider-manifest';
import { MAX_REPAIR_DAYS } from '../domain/repair-plan';

/**
 * Contracts of the API's answers. Handlers type their bodies with these (a field missing or of another
 * type fails to compile), and the OpenAPI document is generated from them. Objects are strict: the
 * contract test fails on any field the document does not describe.
 */
const count = z.number().int().min(0);
const day = z.string().meta({ format: 'date', example: '2026-11-23' });
const instant = z.string().meta({ format: 'date-time', example: '2026-11-24T03:15:09.812Z' });
const rate = z.number().min(0).max(1).nullable().meta({
  description: 'Share of shown suggestions accepted (0–1, four decimals); null when none were shown.',
});
const providerId = z
  .string()
  .meta({ description: 'Provider id (`claude_code`, `github_copilot`, …).', example: 'claude_code' });

const period = z
  .strictObject({ start_date: day, end_date: day, days: count })
  .meta({ id: 'Period', description: 'UTC days, both ends included.' });

export const usageMetricsSchema = z
  .strictObject(
    Object.fromEntries(METRIC_NAMES.map((name) => [name, count])) as Record<
      (typeof METRIC_NAMES)[number],
      typeof count
    >,
  )
  .meta({
    id: 'UsageMetrics',
    description: 'The metric vocabulary (docs/metrics.md): whole numbers, units in the names.',
  });

const partialMetrics = Object.fromEntries(METRIC_NAMES.map((name) => [name, count.optional()])) as Record<
  (typeof METRIC_NAMES)[number],
  z.ZodOptional<typeof count>
>;

export const developerRefSchema = z
  .strictObject({
    key: z
      .string()
      .meta({ description: 'Stable per provider account: an e-mail, or `github:<numeric id>`.' }),
    kind: z.enum(['user', 'service']),
    email: z.string().optional(),
    login: z.string().optional(),
    display_name: z.string().optional(),
  })
  .meta({ id: 'DeveloperRef', description: 'Who did the work, as far as the provider tells.' });

// ---- health -------------------------------------------------------------------------------------------

export const healthSchema = z
  .strictObject({
    status: z.literal('ok'),
    service: z.string(),
    providers: z.array(providerId),
    time: instant,
  })
  .meta({ id: 'Health' });

// ---- integrations -------------------------------------------------------------------------------------

export const lastSyncSchema = z
  .strictObject({
    sync_id: z.string(),
    trigger: z.enum(['backfill', 'scheduled', 'manual']),
    finished_at: instant,
    outcome: z.enum(['ok', 'partial', 'failed', 'invalid_credentials', 'not_available']),
    days_ok: count,
    days_failed: count,
    days_pending: count,
    message: z.string().optional().meta({ description: 'Why the sync will be retried, when it will.' }),
  })
  .meta({ id: 'LastSync' });

export const deadLettersSchema = z
  .strictObject({
    jobs: count.meta({
      description: `Sync jobs of the integration in the dead-letter queue, as far as the pipeline knows: each was added when it failed on its last allowed delivery, and leaves when it succeeds after a redrive or when the queue no longer keeps it (${SYNC_JOB_DELIVERY.deadLetterRetentionDays} days).`,
    }),
    newest: z
      .strictObject({
        job_id: z.string(),
        dead_lettered_at: instant,
        dates: z.array(day).meta({ description: 'The UTC days the job covered, ascending.' }),
        error: z
          .string()
          .meta({ description: 'Its last error, as the days of a failed sync word it (never a key).' }),
      })
      .meta({ description: 'The job dead-lettered last.' }),
  })
  .meta({
    id: 'DeadLetters',
    description: `Sync jobs that failed every delivery. Their days are \`failed\` and the daily run asks for them again (up to ${MAX_REPAIR_DAYS} a run, oldest first); an operator can redrive the provider's dead-letter queue to retry at once.`,
  });

export const integrationViewSchema = z
  .strictObject({
    integration_id: z.string(),
    provider: providerId,
    provider_name: z.string().meta({ example: 'Claude Code' }),
    name: z.string(),
    account: z
      .strictObject({ id: z.string(), name: z.string() })
      .meta({ description: 'The provider-side account.' }),
    options: z
      .record(z.string(), z.unknown())
      .meta({ description: 'Non-secret connect options, e.g. `{"org": "acme"}`.' }),
    status: z.enum(['active', 'invalid_credentials', 'not_available']).meta({
      description:
        '`invalid_credentials`: connect again with a valid key; `not_available`: the provider does not serve this (see status_message).',
    }),
    status_message: z.string().nullable(),
    sync_enabled: z.boolean(),
    created_at: instant,
    updated_at: instant,
    last_sync: lastSyncSchema.nullable(),
    dead_letters: deadLettersSchema.nullable(),
  })
  .meta({ id: 'Integration', description: 'An integration: never its key, nor where the key is kept.' });

export const integrationListSchema = z
  .strictObject({ integrations: z.array(integrationViewSchema) })
  .meta({ id: 'IntegrationList' });

export const ledgerSummarySchema = z
  .strictObject({
    window: period,
    days: z.strictObject({
      ok: count,
      no_activity: count,
      pending: count,
      failed: count,
      not_available: count,
      not_fetched: count,
    }),
    last_failure: z.strictObject({ date: day, reason: z.string(), attempts: count }).nullable(),
    oldest_pending: day.nullable(),
  })
  .meta({ id: 'LedgerSummary', description: 'What is known of each of the last 90 days.' });

export const integrationDetailSchema = integrationViewSchema
  .extend({ ledger: ledgerSummarySchema })
  .meta({ id: 'IntegrationDetail' });

export const connectResultSchema = z
  .strictObject({
    integration_id: z.string(),
    status: integrationViewSchema.shape.status,
    created: z
      .boolean()
      .meta({ description: 'false when the same provider account was connected again (new key).' }),
    integration: integrationViewSchema,
    backfill: z.strictObject({
      sync_id: z.string(),
      start_date: day,
      end_date: day,
      days: count,
      jobs: count,
    }),
  })
  .meta({ id: 'ConnectResult' });

export const syncAcceptedSchema = z
  .strictObject({
    sync_id: z.string(),
    integration_id: z.string(),
    provider: providerId,
    status: z.literal('queued'),
    start_date: day,
    end_date: day,
    days: count,
    jobs: count,
  })
  .meta({ id: 'SyncAccepted' });

// ---- dashboard ----------------------------------------------------------------------------------------

const activeUsers = (what: string) =>
  z
    .strictObject({
      daily: count.nullable().meta({ description: `People active ${what} on the \`as_of\` day.` }),
      weekly: count.nullable().meta({ description: 'The same over the 7 days up to it.' }),
      monthly: count.nullable().meta({ description: 'The same over the 30 days up to it.' }),
    })
    .meta({ description: 'Null where the provider does not report the window.' });

export const organisationSeatSummarySchema = z
  .strictObject({
    as_of: day.meta({ description: 'The provider’s day the counts describe (the oldest, for several).' }),
    assigned_seats: count
      .nullable()
      .meta({ description: 'Seats assigned to members, named in `listed` or not.' }),
    pending_invites: count
      .nullable()
      .meta({ description: 'Invitations to join the organisation not accepted yet.' }),
    active_users: activeUsers('with any of the provider’s products'),
    tool_active_users: activeUsers(
      'with this tool (null while the provider does not break counts down by product)',
    ),
  })
  .meta({
    id: 'OrganisationSeatSummary',
    description:
      'Counts the provider reports for the whole organisation, naming no one (Claude Enterprise: `summaries`), summed over the tool’s organisations; a count is null unless every one reports it.',
  });

export const seatSummarySchema = z
  .strictObject({
    assigned: count.meta({
      description:
        'Seats held: the organisation’s assigned seats where it reports them, else the seats listed (`assigned_from`).',
    }),
    assigned_from: z.enum(['listed', 'organisation', 'mixed']).meta({
      description:
        '`listed` the seats listed one by one; `organisation` the organisations’ assigned-seat counts; `mixed` both, over several integrations.',
    }),
    listed: count.meta({
      description:
        'Seats listed one by one, with a holder (Claude Enterprise lists the users of its 30-day activity roll-up).',
    }),
    active_in_period: count.meta({
      description: 'Listed seats whose last activity falls in the period (at most `assigned`).',
    }),
    inactive_in_period: count.meta({
      description: '`assigned − active_in_period`: idle listed seats and every seat not listed.',
    }),
    never_active: count.meta({
      description: 'Listed seats with no activity ever (not merely before the provider’s activity window).',
    }),
    utilisation: z.number().min(0).max(1).nullable().meta({
      description: 'active_in_period ÷ assigned (0–1, four decimals); null without seats.',
    }),
    cycle_spend_cents: count.nullable().meta({
      description:
        'On-demand spend of the seats in their current billing cycle (US cents); null when the tool reports none.',
    }),
    taken_at: instant,
    organisation: organisationSeatSummarySchema.nullable().meta({
      description: 'The organisation’s own counts where the provider reports them; null otherwise.',
    }),
  })
  .meta({ id: 'SeatSummary' });

export const toolSummarySchema = z
  .strictObject({
    provider: providerId.meta({
      description:
        'The tool: `claude_code` also for Claude Code reported by the Enterprise Analytics API (`claude_enterprise`).',
    }),
    name: z.string(),
    sources: z.array(providerId).meta({
      description:
        'The providers whose figures are summed here: a tool with two sources counts each person once a day (docs/metrics.md).',
    }),
    interactions: count,
    active_days: count,
    max_daily_active_developers: count.meta({
      description:
        'Most distinct people active with the tool on one day: one person in two accounts of the tool counts once.',
    }),
    matched_interactions: count.nullable().meta({
      description: 'Interactions attributed to roster people (null in group views, where all are).',
    }),
    match_rate: z.number().min(0).max(1).nullable().meta({
      description:
        'matched_interactions ÷ interactions (0–1, four decimals); null without interactions or in group views.',
    }),
    sessions: count,
    requests: count,
    chat_turns: count,
    suggestions_shown: count,
    suggestions_accepted: count,
    acceptance_rate: rate,
    lines_added: count,
    lines_removed: count,
    lines_suggested: count,
    lines_accepted: count,
    commits: count,
    pull_requests: count,
    tokens: z.strictObject({ input: count, output: count, cache_read: count, cache_creation: count }),
    cost_cents: count.meta({ description: 'US cents.' }),
    active_seconds: count.meta({
      description:
        'Active time with the tool, in seconds. Only Claude Code’s OpenTelemetry metrics report it (for the developers who send them); 0 for tools that do not report it — not a measured zero (docs/metrics.md).',
    }),
    seats: seatSummarySchema
      .nullable()
      .meta({ description: 'Seat-based tools only (latest snapshot); null otherwise.' }),
  })
  .meta({ id: 'ToolSummary' });

export const heatmapDaySchema = z
  .strictObject({
    date: day,
    count: count.meta({
      description:
        'Interactions that day across tools: what is known of it (a `partial` day counts the tools that have it), 0 where nothing is known. `state` says which.',
    }),
    state: z
      .enum(['ok', 'no_activity', 'partial', 'pending', 'failed', 'not_available', 'not_fetched'])
      .meta({
        description:
          '`ok` every tool fetched, activity; `no_activity` every tool fetched, none; `partial` some fetched, others not yet; `pending` waiting for a provider; `failed` fetching failed; `not_available` the provider does not serve the day; `not_fetched` nothing asked for it.',
      }),
  })
  .meta({ id: 'HeatmapDay' });

const breakdownRow = z
  .strictObject({ name: z.string(), ...partialMetrics, acceptance_rate: rate.optional() })
  .meta({
    id: 'BreakdownRow',
    description: 'One editor, language or model: only the figures its tools report.',
  });

const groupRef = z
  .strictObject({ name: z.string(), size: count.meta({ description: 'People of the roster in the group.' }) })
  .meta({ id: 'GroupRef' });

const seriesSchema = z
  .strictObject({
    grain: z.enum(GRAINS),
    points: z.array(
      z
        .strictObject({
          start_date: day,
          end_date: day,
          days: count.meta({ description: 'Days of the period in the point (an end week may be cut).' }),
          count: count.meta({ description: 'Interactions known in the point; 0 where nothing is known.' }),
          state: heatmapDaySchema.shape.state.meta({
            description:
              'A day’s state; for a week: `ok` / `no_activity` when every day was fetched, `partial` when some were, else why none was (`failed`, `pending`, `not_available`, `not_fetched`).',
          }),
          active_developers: count.meta({
            description:
              'Distinct people active with any tool that day (for a week: on its busiest day; a lower bound on days not yet attributed to people).',
          }),
          tools: z
            .array(
              z
                .strictObject({
                  provider: providerId,
                  state: heatmapDaySchema.shape.state.meta({
                    description:
                      'The tool’s own state in the point, from its integrations’ days: where it was not fetched its figures are a gap, not a quiet day.',
                  }),
                  interactions: count,
                  active_developers: count.meta({
                    description: 'Distinct people active with the tool that day (week: its busiest day).',
                  }),
                  suggestions_shown: count,
                  suggestions_accepted: count,
                  acceptance_rate: rate,
                })
                .meta({ id: 'ToolPoint' }),
            )
            .meta({ description: 'One per tool of `tools`, in that order.' }),
        })
        .meta({ id: 'SeriesPoint' }),
    ),
  })
  .meta({
    id: 'Series',
    description:
      'The period by day or by ISO week (`grain`): interactions and state, people active, and per tool its interactions, people and acceptance — acceptance per tool only, never blended across tools.',
  });

export const dashboardSchema = z
  .strictObject({
    team_id: z.string(),
    period,
    group: groupRef
      .nullable()
      .meta({ description: 'The group shown (`group=`), or null for the whole team.' }),
    attribution: z
      .strictObject({
        roster_version: count,
        days_behind: count.meta({
          description:
            'Days with usage whose attribution to people and groups predates the roster (it catches up within minutes).',
        }),
        up_to_date: z.boolean(),
      })
      .meta({
        id: 'AttributionStatus',
        description: 'Whether people counts, match rates and group figures reflect the current roster.',
      }),
    total_interactions: count,
    active_days: count.meta({ description: 'Days of the period with a count above 0.' }),
    top_tool: z
      .strictObject({
        provider: providerId,
        name: z.string(),
        requests: count.meta({ description: "The tool's interactions over the period." }),
      })
      .nullable(),
    tools: z.array(toolSummarySchema),
    heatmap_data: z
      .array(heatmapDaySchema)
      .meta({ description: 'Exactly `days` consecutive UTC days ending today.' }),
    acceptance_trend: z
      .array(
        z.strictObject({
          date: day,
          suggestions_shown: count,
          suggestions_accepted: count,
          acceptance_rate: rate,
        }),
      )
      .meta({
        deprecated: true,
        description:
          'Suggestions summed across tools per day. Deprecated: tools count a suggestion differently, so a rate across them blends unlike things; read `series.points[].tools[].acceptance_rate` (per tool).',
      }),
    breakdowns: z.strictObject(
      Object.fromEntries(
        BREAKDOWN_DIMENSIONS.map((dimension) => [dimension, z.array(breakdownRow)]),
      ) as Record<(typeof BREAKDOWN_DIMENSIONS)[number], z.ZodArray<typeof breakdownRow>>,
    ),
    series: seriesSchema,
    sync: z.strictObject({
      days_fetched: count,
      days_pending: count,
      days_failed: count,
      days_not_fetched: count,
    }),
  })
  .meta({ id: 'Dashboard' });

export const seatViewSchema = z
  .strictObject({
    provider: providerId,
    developer_id: z.string().meta({ description: 'The row of `developers` this seat belongs to.' }),
    developer: developerRefSchema,
    assigned_at: instant.nullable(),
    last_activity_at: instant.nullable(),
    last_activity_editor: z.string().nullable(),
    plan_type: z.string().nullable(),
    assigning_team: z.string().nullable(),
    pending_cancellation_date: day.nullable(),
    active_in_period: z.boolean(),
    activity_known_since: day.nullable().meta({
      description:
        'The provider reports activity only since this day; an empty last activity means idle since then.',
    }),
    cycle_spend_cents: count.nullable().meta({
      description:
        'On-demand spend of the current billing cycle (US cents, rounded once from exact amounts).',
    }),
    cycle_started_at: instant.nullable(),
  })
  .meta({ id: 'Seat' });

const identityViewSchema = z
  .strictObject({
    provider: providerId,
    integration_id: z.string(),
    key: z.string().meta({
      description: 'The developer key the provider’s rows carry (claim it with PATCH /members/{id}).',
    }),
    kind: z.enum(['user', 'service']),
    email: z.string().optional(),
    login: z.string().optional(),
    display_name: z.string().optional(),
    matched_by: z
      .enum(['identity', 'email', 'github_login', 'saml'])
      .nullable()
      .meta({ description: 'The roster rule that matched it; null when it matches nobody.' }),
  })
  .meta({ id: 'Identity' });

const toolUsageSchema = z
  .strictObject({
    provider: providerId,
    name: z.string(),
    active_days: count,
    metrics: usageMetricsSchema,
    acceptance_rate: rate.meta({
      description:
        'The tool’s own acceptance: suggestions_accepted ÷ suggestions_shown of its figures (0–1, four decimals); null when it showed none.',
    }),
  })
  .meta({ id: 'ToolUsage' });

export const developerUsageSchema = z
  .strictObject({
    id: z.string().meta({ description: '`p_…` a roster person; `i_…` an identity that matches nobody.' }),
    kind: z.enum(['person', 'identity']),
    display_name: z.string(),
    groups: z.array(z.string()),
    identities: z.array(identityViewSchema),
    active_days: count.meta({ description: 'Days with activity in any tool (a day counts once).' }),
    interactions: count,
    acceptance_rate: z.null().meta({
      deprecated: true,
      description:
        'Always null. Deprecated: tools count a suggestion differently (a Copilot completion, a Cursor tab, a Claude Code edit decision), so a rate across a person’s tools blends unlike things; read `tools[].acceptance_rate` (per tool).',
    }),
    cost_cents: count,
    teams: z.array(z.string()).meta({ description: 'Provider teams seen for the developer in the period.' }),
    tools: z.array(toolUsageSchema),
  })
  .meta({ id: 'DeveloperUsage' });

const suggestionSchema = z
  .strictObject({
    person_id: z.string(),
    display_name: z.string(),
    reason: z.string(),
    change: z
      .union([z.strictObject({ github_login: z.string() }), z.strictObject({ emails: z.array(z.string()) })])
      .meta({ description: 'Send it as the body of PATCH /api/ai-usage/members/{person_id} to accept.' }),
  })
  .meta({ id: 'Suggestion', description: 'A likely owner of an identity that matches nobody.' });

export const matchRateSchema = z
  .strictObject({
    provider: providerId,
    name: z.string(),
    interactions: count,
    matched_interactions: count,
    match_rate: z.number().min(0).max(1).nullable(),
    identities: count,
    matched_identities: count,
  })
  .meta({ id: 'MatchRate', description: 'Share of a tool’s interactions attributed to roster people.' });

export const developersSchema = z
  .strictObject({
    team_id: z.string(),
    period,
    roster_version: count,
    group: groupRef.nullable(),
    visibility: z.enum(['everyone', 'own_row']).meta({
      description: 'Admins see everyone; members their own row only.',
    }),
    match_rates: z.array(matchRateSchema).meta({ description: 'Per tool (admins, whole team only).' }),
    total: count.meta({ description: 'Rows over all pages.' }),
    developers: z.array(developerUsageSchema.extend({ suggestions: z.array(suggestionSchema) })),
    next_cursor: z.string().nullable(),
    seats: z
      .array(seatViewSchema)
      .meta({ description: 'Licences of seat-based tools of the rows shown, unused first.' }),
    unreported_teams: z.array(
      z.strictObject({ provider: providerId, team: z.string(), seats: count, reason: z.string() }),
    ),
  })
  .meta({ id: 'Developers' });

export const seatsSchema = z
  .strictObject({
    team_id: z.string(),
    period,
    visibility: z.enum(['everyone', 'own_row']).meta({
      description: 'Admins see every seat; members their own.',
    }),
    tools: z.array(
      z
        .strictObject({
          provider: providerId,
          name: z.string(),
          assigned: count.meta({
            description:
              'Seats held, as the dashboard’s seat summary counts them: the organisation’s assigned seats where it reports them (Claude Enterprise), else the seats listed (`assigned_from`). A member’s view counts their listed seats.',
          }),
          assigned_from: z.enum(['listed', 'organisation', 'mixed']).meta({
            description:
              '`listed` the seats listed one by one; `organisation` the organisations’ assigned-seat counts; `mixed` both, over several integrations.',
          }),
          listed: count.meta({
            description: 'Seats listed one by one, with a holder: the tool’s entries of `seats`.',
          }),
          active_in_period: count.meta({
            description: 'Listed seats whose last activity falls in the period (at most `assigned`).',
          }),
          idle_14: count.meta({
            description:
              'Seats held without activity for 14 days or more: listed ones by their last activity (never active included), and every seat held that is not listed (its activity is unknown, so it counts as not used).',
          }),
          idle_30: count,
          idle_60: count,
          never_active: count.meta({
            description:
              'Listed seats with no activity ever (not merely before the provider’s activity window).',
          }),
          cycle_spend_cents: count.nullable().meta({
            description:
              'On-demand spend of the seats’ current billing cycles; null when the tool reports none.',
          }),
        })
        .meta({ id: 'SeatToolSummary' }),
    ),
    seats: z.array(
      seatViewSchema.extend({
        display_name: z.string().meta({ description: 'The person (roster) or identity holding the seat.' }),
        idle_days: count.nullable().meta({
          description:
            'Whole days since the last activity, to the period’s last day; null when never active.',
        }),
      }),
    ),
    seat_providers: z.array(z.strictObject({ provider: providerId, name: z.string() })).meta({
      description:
        'Every provider that reports licences, connected or not (those whose integrations fetch seats): what a team without seats can connect.',
    }),
  })
  .meta({ id: 'Seats' });

export const personDetailSchema = z
  .strictObject({
    team_id: z.string(),
    period,
    roster_version: count,
    developer: developerUsageSchema,
    heatmap_data: z.array(heatmapDaySchema).meta({
      description: "The person's interactions per day; states judged by the tools they use.",
    }),
    breakdowns: z.strictObject(
      Object.fromEntries(
        BREAKDOWN_DIMENSIONS.map((dimension) => [dimension, z.array(breakdownRow)]),
      ) as Record<(typeof BREAKDOWN_DIMENSIONS)[number], z.ZodArray<typeof breakdownRow>>,
    ),
  })
  .meta({ id: 'DeveloperDetail' });

export type HealthResponse = z.infer<typeof healthSchema>;
export type SeatsResponse = z.infer<typeof seatsSchema>;
export type ConnectResponse = z.infer<typeof connectResultSchema>;
export type SyncAcceptedResponse = z.infer<typeof syncAcceptedSchema>;
export type IntegrationListResponse = z.infer<typeof integrationListSchema>;
export type IntegrationResponse = z.infer<typeof integrationViewSchema>;
export type IntegrationDetailResponse = z.infer<typeof integrationDetailSchema>;
export type DashboardResponse = z.infer<typeof dashboardSchema>;
export type DevelopersResponse = z.infer<typeof developersSchema>;
export type PersonDetailResponse = z.infer<typeof personDetailSchema>;
