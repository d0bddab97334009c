import { z } from 'zod';
import { isIsoDay } from '../domain/dates';
import type { TelemetryRebuildRequest } from '../domain/ports';

/** The queue message asking for a telemetry day to be rebuilt from its series. */
export const telemetryRebuildRequestSchema = z.object({
  team_id: z.string().min(1),
  integration_id: z.string().min(1),
  date: z.string().refine(isIsoDay, 'must be a YYYY-MM-DD day'),
  marked_at: z.string(),
}) satisfies z.ZodType<TelemetryRebuildRequest>;
