import { z } from 'zod';

/** Contracts of the API bodies and query strings (snake_case, as the API speaks). */
/** Fields other than these are provider options (e.g. `org`), checked by the provider's own schema. */
export const connectBodySchema = z.looseObject({
  provider: z.string().min(1, 'name the provider, e.g. "claude_code"'),
  api_key: z.string().min(1, 'paste the provider key').max(4096, 'is too long to be a provider key'),
  name: z.string().trim().min(1).max(100).optional(),
  backfill_days: z
    .number()
    .int('must be a whole number of days')
    .min(1, 'must be at least 1')
    .max(365, 'must be at most 365')
    .optional(),
});
export type ConnectBody = z.infer<typeof connectBodySchema>;

export const syncBodySchema = z
  .object({
    integration_id: z.string().min(1).max(64),
    start_date: z.string().optional(),
    end_date: z.string().optional(),
  })
  .strict();

export const patchIntegrationSchema = z.object({ sync_enabled: z.boolean() }).strict();

export const daysQuerySchema = z.object({
  days: z.coerce
    .number()
    .int('must be a whole number of days')
    .min(1, 'must be at least 1')
    .max(365, 'must be at most 365')
    .default(90),
});

export const integrationIdSchema = z.string().regex(/^int_[A-Za-z0-9]{1,40}$/, 'is not an integration id');
