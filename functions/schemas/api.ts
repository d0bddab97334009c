import { GRAINS } from '../domain/series';
import { z } from 'zod';
import { isIsoDay } from '../domain/dates';
import { SORT_FIELDS } from '../domain/people';
import { providerManifests } from '../providers/manifests';

/**
 * Contracts of the API's requests (snake_case, as the API speaks). Handlers validate with these, and the
 * OpenAPI document (openapi.ts) is generated from them. Messages name the field's rule, never its value.
 */
const required = (what: string) => (issue: { input: unknown }) =>
  issue.input === undefined ? `is required: ${what}` : `must be a string: ${what}`;

const providerIds = providerManifests.map((manifest) => manifest.id) as [string, ...string[]];

export const providerIdSchema = z
  .enum(providerIds, {
    error: (issue) => {
      const input = issue.input;
      const suggestion =
        typeof input === 'string' && providerIds.find((id) => id === input.replace(/-/g, '_'));
      return `must be one of ${providerIds.join(', ')}${suggestion ? ` (ids use underscores: "${suggestion}")` : ''}`;
    },
  })
  .meta({ id: 'ProviderId', description: 'A provider the API can connect.' });

/** Fields other than these are provider options (e.g. `org`), checked by the provider's own schema. */
export const connectBodySchema = z.looseObject({
  provider: providerIdSchema,
  api_key: z
    .string({ error: required('paste the provider key') })
    .min(1, 'is empty: paste the provider key')
    .max(4096, 'is too long to be a provider key')
    .meta({ description: 'The provider key. Checked, encrypted and stored; never returned or logged.' }),
  name: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(100, 'must be at most 100 characters')
    .optional()
    .meta({ description: 'Display name; default "<Tool> · <provider account>".' }),
  backfill_days: z
    .number({ error: 'must be a number of days' })
    .int('must be a whole number of days')
    .min(1, 'must be at least 1')
    .max(365, 'must be at most 365')
    .optional()
    .meta({
      description:
        "Days to backfill instead of the provider's default (never before the earliest day it serves).",
    }),
});
export type ConnectBody = z.infer<typeof connectBodySchema>;

const isoDay = z
  .string()
  .refine(isIsoDay, 'must be a YYYY-MM-DD day')
  .meta({ format: 'date', example: '2026-11-23' });

export const syncBodySchema = z
  .strictObject({
    integration_id: z
      .string({ error: required('the integration to sync') })
      .min(1)
      .max(64),
    start_date: isoDay
      .optional()
      .meta({ description: 'First UTC day (default: the provider’s daily window).' }),
    end_date: isoDay
      .optional()
      .meta({ description: 'Last UTC day (default: the newest day the provider serves).' }),
  })
  .meta({ id: 'SyncRequest' });

export const patchIntegrationSchema = z
  .strictObject({ sync_enabled: z.boolean({ error: 'must be true or false' }) })
  .meta({ id: 'IntegrationChange' });

/** A whole number written as digits only (`1.`, `1e1`, `0x10` and ` 12 ` are refused, not guessed at). */
const wholeNumber = (what: string, min: number, max: number, fallback: number) =>
  z
    .string({ error: `must be a whole number of ${what}` })
    .regex(/^[0-9]{1,10}$/, `must be a whole number of ${what}, written with digits only`)
    .default(String(fallback))
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

export const daysQuerySchema = z.object({
  days: wholeNumber('days', 1, 365, 90).meta({
    description: 'UTC days ending today (1–365).',
    example: '90',
  }),
});

const groupParameter = z
  .string()
  .trim()
  .min(1, 'must name a group')
  .max(64, 'must be at most 64 characters')
  .optional()
  .meta({ description: 'A group (sub-team) of the roster: its figures only.', example: 'platform' });

const formatParameter = z.enum(['json', 'csv'], { error: 'must be json or csv' }).optional().meta({
  description: 'The answer as JSON (default) or CSV, with a header row (also chosen by `Accept: text/csv`).',
});

export const dashboardQuerySchema = daysQuerySchema.extend({
  group: groupParameter,
  grain: z
    .enum(GRAINS, { error: `must be ${GRAINS.join(' or ')}` })
    .default('day')
    .meta({ description: 'The series by day or by ISO week (Monday to Sunday).' }),
  format: formatParameter,
});

export const seatsQuerySchema = daysQuerySchema.extend({ format: formatParameter });

export const developersQuerySchema = daysQuerySchema.extend({
  group: groupParameter,
  sort: z
    .enum(SORT_FIELDS, { error: `must be one of ${SORT_FIELDS.join(', ')}` })
    .default('interactions')
    .meta({
      description: 'Order of the rows; `acceptance_rate` is one tool’s rate, named by `tool`.',
    }),
  order: z
    .enum(['asc', 'desc'], { error: 'must be asc or desc' })
    .default('desc')
    .meta({ description: 'Direction (names sort case-insensitively).' }),
  tool: z
    .string()
    .regex(/^[a-z][a-z0-9_]{1,39}$/, 'must be a tool id: 2–40 lower-case letters, digits or "_"')
    .optional()
    .meta({
      description:
        'The tool whose acceptance rate `sort=acceptance_rate` orders by (required with it, refused with any other sort): acceptance is per tool, never across tools. People without a rate for the tool come last (first in `asc`).',
      example: 'github_copilot',
    }),
  limit: wholeNumber('rows', 1, 500, 100).meta({ description: 'Rows per page (1–500).' }),
  cursor: z.string().max(512, 'is not a cursor this API gave').optional().meta({
    description: '`next_cursor` of the previous page (same days, group, sort, order and tool).',
  }),
  format: formatParameter.meta({
    description:
      'The answer as JSON (default) or CSV (also chosen by `Accept: text/csv`): every row in the order asked, no pages.',
  }),
});

export const developerIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'is not a developer id (a person `p_…` or an identity `i_…`)')
  .meta({
    description: 'A row of the developers view: a roster person, or an identity that matches nobody (`i_…`).',
    example: 'p_3f9a1c0d2b7e4a51',
  });

export const integrationIdSchema = z
  .string()
  .regex(/^int_[A-Za-z0-9]{1,40}$/, 'is not an integration id')
  .meta({ description: 'An integration id (`int_…`).', example: 'int_x4Qm2TzU8pLw0cVb6nR1s' });
