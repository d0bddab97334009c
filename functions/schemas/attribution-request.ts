import { z } from 'zod';
import { isIsoDay } from '../domain/dates';
import type { ReattributionRequest } from '../domain/ports';

/** The queue message asking for a team's stored days to be attributed again (after a roster change). */
export const reattributionRequestSchema = z.object({
  team_id: z.string().min(1),
  roster_version: z.number().int().min(0),
  requested_at: z.string(),
  before: z.string().refine(isIsoDay, 'must be a YYYY-MM-DD day').optional(),
}) satisfies z.ZodType<ReattributionRequest>;
