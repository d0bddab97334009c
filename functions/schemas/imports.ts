import { z } from 'zod';
import { IMPORT_COLUMNS } from '../domain/imports';
import { MAX_MANUAL_ROWS } from '../domain/use-cases/import-usage';

/** Contracts of the imports API (POST /imports, POST /imports/manual, GET /imports[/{id}]). */

const tool = z
  .string({ error: 'is required: the tool the usage is of' })
  .min(1, 'must name the tool')
  .max(40, 'must be at most 40 characters')
  .meta({
    description:
      'A provider id (`cursor`, …) or a tool id of your own (`chatgpt`): 2–40 lower-case letters, digits, "_".',
    example: 'chatgpt',
  });
const displayName = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters')
  .optional()
  .meta({ description: 'The name to show; required for a tool of your own.', example: 'ChatGPT' });

export const importStartSchema = z
  .strictObject({ tool, display_name: displayName })
  .meta({ id: 'ImportRequest' });

const cell = z.union([z.string().max(300), z.number(), z.null()]);
export const manualImportSchema = z
  .strictObject({
    tool,
    display_name: displayName,
    rows: z
      .array(z.record(z.string(), cell, { error: 'must be an object of column → value' }), {
        error: 'is required: the rows to store',
      })
      .max(MAX_MANUAL_ROWS, `may hold at most ${MAX_MANUAL_ROWS} rows`)
      .meta({
        description: `Rows with the template's columns (${IMPORT_COLUMNS.slice(0, 5).join(', ')} and any metric).`,
      }),
  })
  .meta({ id: 'ManualImportRequest' });

export const importIdSchema = z
  .string()
  .regex(/^imp_\d{14}_[A-Za-z0-9]{1,20}$/, 'is not an import id')
  .meta({ example: 'imp_20261130113501_4c1d2e3f4a5b' });

const issue = z
  .strictObject({ line: z.number().int().min(0), column: z.string().nullable(), message: z.string() })
  .meta({ id: 'ImportIssue', description: 'A problem of the file: its line (the header is 1) and column.' });

export const importSchema = z
  .strictObject({
    import_id: z.string(),
    integration_id: z.string(),
    tool: z.string(),
    tool_name: z.string(),
    method: z.enum(['csv', 'manual']),
    state: z.enum(['pending', 'validating', 'imported', 'rejected', 'failed']).meta({
      description:
        '`pending` waiting for the upload; `validating` reading and storing; `imported` stored; `rejected` a bad file, nothing stored (`errors`); `failed` storing failed, upload again.',
    }),
    created_at: z.string().meta({ format: 'date-time' }),
    created_by: z.string(),
    updated_at: z.string().meta({ format: 'date-time' }),
    file_bytes: z.number().int().nullable(),
    rows: z.number().int().min(0),
    developers: z.number().int().min(0),
    period: z.strictObject({ start_date: z.string(), end_date: z.string() }).nullable().meta({
      description:
        'Days stored: from the first to the last day of the rows (days between without rows are quiet days).',
    }),
    errors: z.array(issue).meta({ description: 'The first 100 problems.' }),
    error_count: z.number().int().min(0),
    message: z.string().nullable(),
  })
  .meta({ id: 'Import' });

export const importStartedSchema = z
  .strictObject({
    import: importSchema,
    upload: z
      .strictObject({
        method: z.literal('PUT'),
        url: z.string().meta({ description: 'A presigned URL: PUT the file there (it expires).' }),
        headers: z.record(z.string(), z.string()).meta({ description: 'Send these headers with the PUT.' }),
        expires_at: z.string().meta({ format: 'date-time' }),
      })
      .meta({ id: 'ImportUpload' }),
  })
  .meta({ id: 'ImportStarted' });

export const importListSchema = z.strictObject({ imports: z.array(importSchema) }).meta({ id: 'ImportList' });

export type ImportResponse = z.infer<typeof importSchema>;
export type ImportStartedResponse = z.infer<typeof importStartedSchema>;
export type ImportListResponse = z.infer<typeof importListSchema>;
