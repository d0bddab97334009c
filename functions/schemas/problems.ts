import { z } from 'zod';

/**
 * Every problem type the API answers (RFC 9457), in one place: the error mapper (functions/shared/problem.ts)
 * and the OpenAPI document both read this table. `type` is `urn:ai-usage:problem:<slug>`.
 */
export const PROBLEM_TYPE_BASE = 'urn:ai-usage:problem:';

export const PROBLEM_TYPES = {
  'invalid-request': {
    status: 400,
    title: 'Invalid request',
    when: 'malformed JSON, a field missing or invalid (`errors[]` names each), a malformed key or unknown provider',
  },
  unauthorized: {
    status: 401,
    title: 'Unauthorized',
    when: 'no token, an invalid or expired token, or one without team and role',
  },
  forbidden: {
    status: 403,
    title: 'Forbidden',
    when: "a member tries an admin action, or asks for another person's figures; an ingest token the gateway does not know",
  },
  'group-too-small': {
    status: 403,
    title: 'Group too small to show',
    when: "a member asks for a group smaller than the team's minimum group size (it would expose individuals)",
  },
  'not-found': {
    status: 404,
    title: 'Not found',
    when: "no such integration, person or group in the caller's team",
  },
  conflict: {
    status: 409,
    title: 'Conflict',
    when: 'a sync of an integration whose key was refused, whose sync is disabled, whose provider is no longer offered, or that holds imported usage; an import of a tool the team syncs through its API',
  },
  'payload-too-large': {
    status: 413,
    title: 'Payload too large',
    when: 'a telemetry body over the endpoint’s limit (the detail says it), before or after decompression',
  },
  'unsupported-media-type': {
    status: 415,
    title: 'Unsupported media type',
    when: 'a telemetry body that is neither `application/json` nor `application/x-protobuf`, or compressed other than gzip',
  },
  'credentials-rejected': {
    status: 422,
    title: 'The provider rejected the credentials',
    when: 'the provider refused the key; the detail says how to make one that works',
  },
  'too-many-requests': {
    status: 429,
    title: 'Too many requests',
    when: 'a second manual sync of an integration within 60 s; `Retry-After` says when to try again',
    retryAfter: 'always',
  },
  'internal-error': {
    status: 500,
    title: 'Internal error',
    when: 'a fault of ours; the detail reveals nothing, `request_id` finds the log',
  },
  'provider-unavailable': {
    status: 503,
    title: 'The provider could not be reached',
    when: 'the provider could not be asked to check a key; try again later (`Retry-After` when it said)',
    retryAfter: 'when the provider said',
  },
  'temporarily-unavailable': {
    status: 503,
    title: 'Try again shortly',
    when: 'a reconnect seconds after a disconnect, while the old key is still being deleted; `Retry-After` says when',
    retryAfter: 'always',
  },
} as const satisfies Record<
  string,
  { status: number; title: string; when: string; retryAfter?: 'always' | 'when the provider said' }
>;

export type ProblemSlug = keyof typeof PROBLEM_TYPES;

export const problemType = (slug: ProblemSlug): string => `${PROBLEM_TYPE_BASE}${slug}`;

export const fieldIssueSchema = z
  .strictObject({
    field: z
      .string()
      .meta({ description: 'The field at fault, as a dotted path (`body` for the whole body).' }),
    message: z.string().meta({ description: 'What is wrong with it. Never the submitted value.' }),
  })
  .meta({ id: 'FieldIssue' });

/** An RFC 9457 problem; `type` narrowed per response in the OpenAPI document. */
export const problemSchema = z
  .strictObject({
    type: z.string().meta({ description: 'The kind of problem: `urn:ai-usage:problem:<slug>`.' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().meta({ description: 'What happened and what to do about it, for a person.' }),
    instance: z.string().optional().meta({ description: 'The request path.' }),
    errors: z.array(fieldIssueSchema).optional().meta({ description: 'Each invalid field (400 only).' }),
    request_id: z.string().optional().meta({ description: 'Quote it to support: it finds the log lines.' }),
  })
  .meta({
    id: 'Problem',
    description: 'RFC 9457 problem details, sent as application/problem+json.',
  });
export type Problem = z.infer<typeof problemSchema>;
