import { z } from 'zod';

/** Contracts of the ingest tokens API (POST|GET /ingest-tokens, DELETE /ingest-tokens/{id}). */

const instant = z.string().meta({ format: 'date-time', example: '2026-11-24T03:15:09.812Z' });

export const ingestTokenIdSchema = z
  .string()
  .regex(/^itk_[a-f0-9]{32}$/, 'must be an ingest token id (itk_…)')
  .meta({ description: 'An ingest token id.', example: 'itk_0f3c9a1e7b2d4c5f8a6b1d2e3f4a5b6c' });

export const ingestTokenCreateSchema = z
  .strictObject({
    name: z
      .string({ error: 'is required: what the token is for, e.g. "Claude Code managed settings"' })
      .trim()
      .min(1, 'must not be empty')
      .max(100, 'must be at most 100 characters'),
  })
  .meta({ id: 'IngestTokenRequest' });

export const ingestTokenSchema = z
  .strictObject({
    token_id: z.string(),
    name: z.string(),
    created_at: instant,
    created_by: z.string().meta({ description: 'The admin who made it (their sign-in subject).' }),
    last_used_at: instant
      .nullable()
      .meta({ description: 'When a request last authenticated with it (to about 5 minutes); null: never.' }),
  })
  .meta({ id: 'IngestToken', description: 'An ingest token: never the token itself, nor its hash.' });

export const ingestTokenCreatedSchema = z
  .strictObject({
    token: z.string().meta({
      description:
        'The token (`aiu_ingest_…`), shown this once: only its SHA-256 is kept. It is for `Authorization: Bearer <token>` on POST /otlp/v1/metrics.',
    }),
    ingest_token: ingestTokenSchema,
  })
  .meta({ id: 'IngestTokenCreated' });

export const ingestTokenListSchema = z
  .strictObject({ ingest_tokens: z.array(ingestTokenSchema) })
  .meta({ id: 'IngestTokenList' });

export const ingestTokenIdParamsSchema = z.object({ id: ingestTokenIdSchema });

export type IngestTokenCreatedResponse = z.infer<typeof ingestTokenCreatedSchema>;
export type IngestTokenListResponse = z.infer<typeof ingestTokenListSchema>;
