import { z } from 'zod';
import { isIsoDay } from '../domain/dates';
import type { SyncJob } from '../domain/model';

/** The queue message between connect / sync / scheduler and a provider's fetcher, checked on receipt. */
export const syncJobSchema = z.object({
  version: z.literal(1),
  job_id: z.string().min(1),
  sync_id: z.string().min(1),
  team_id: z.string().min(1),
  integration_id: z.string().min(1),
  provider: z.string().min(1),
  trigger: z.enum(['backfill', 'scheduled', 'manual']),
  dates: z.array(z.string().refine(isIsoDay, 'must be a YYYY-MM-DD day')).min(1).max(31),
  enqueued_at: z.string(),
  with_seats: z.boolean().default(false),
}) satisfies z.ZodType<SyncJob, unknown>;

export type { SyncJob };
