import { z } from 'zod';
import { isIsoDay } from '../domain/dates';

/** The queue message between scheduler/connect/sync and a provider's fetcher. */
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
  /** Also refresh the seat snapshot (set on the newest job of a sync, for seat-based providers). */
  with_seats: z.boolean().default(false),
});
export type SyncJob = z.infer<typeof syncJobSchema>;
