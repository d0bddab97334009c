import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import { PROBLEM_TYPES, problemType, type Problem, type ProblemSlug } from '../schemas/problems';
import {
  ConflictError,
  CredentialsRejectedError,
  ForbiddenError,
  GroupTooSmallError,
  NotFoundError,
  PayloadTooLargeError,
  ProviderUnavailableError,
  TemporarilyUnavailableError,
  TooManyRequestsError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../domain/errors';

/** Which problem each domain error is; anything else is an internal error. */
function slugFor(error: Error): ProblemSlug | undefined {
  if (error instanceof ValidationError) return 'invalid-request';
  if (error instanceof UnauthorizedError) return 'unauthorized';
  if (error instanceof ForbiddenError) return 'forbidden';
  if (error instanceof GroupTooSmallError) return 'group-too-small';
  if (error instanceof NotFoundError) return 'not-found';
  if (error instanceof ConflictError) return 'conflict';
  if (error instanceof PayloadTooLargeError) return 'payload-too-large';
  if (error instanceof UnsupportedMediaTypeError) return 'unsupported-media-type';
  if (error instanceof CredentialsRejectedError) return 'credentials-rejected';
  if (error instanceof TooManyRequestsError) return 'too-many-requests';
  if (error instanceof ProviderUnavailableError) return 'provider-unavailable';
  if (error instanceof TemporarilyUnavailableError) return 'temporarily-unavailable';
  return undefined;
}

/** A problem of a known type: status and title from the catalogue, the detail given. */
export function problemOf(
  slug: ProblemSlug,
  detail: string,
  extra: Pick<Problem, 'instance' | 'errors' | 'request_id'> = {},
): Problem {
  const { status, title } = PROBLEM_TYPES[slug];
  return { type: problemType(slug), title, status, detail, ...extra };
}

export function problemResponse(
  problem: Problem,
  headers: Record<string, string> = {},
): APIGatewayProxyResultV2 {
  return {
    statusCode: problem.status,
    headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(problem),
  };
}

/** Maps any thrown error to a problem response. Unknown errors become a 500 that reveals nothing. */
export function errorToProblem(
  error: unknown,
  context: { instance?: string; requestId?: string },
): { response: APIGatewayProxyResultV2; expected: boolean } {
  const err = error instanceof Error ? error : new Error(String(error));
  const slug = slugFor(err);
  const base = {
    ...(context.instance ? { instance: context.instance } : {}),
    ...(context.requestId ? { request_id: context.requestId } : {}),
  };
  if (!slug) {
    return {
      expected: false,
      response: problemResponse(
        problemOf(
          'internal-error',
          'Something went wrong on our side. Try again; if it persists, contact support with the request_id.',
          base,
        ),
      ),
    };
  }
  const headers: Record<string, string> = {};
  const retryAfter =
    err instanceof TooManyRequestsError ||
    err instanceof ProviderUnavailableError ||
    err instanceof TemporarilyUnavailableError
      ? err.retryAfterSeconds
      : undefined;
  if (retryAfter !== undefined) headers['retry-after'] = String(Math.ceil(retryAfter));
  const errors = err instanceof ValidationError && err.issues.length ? { errors: err.issues } : {};
  return {
    expected: true,
    response: problemResponse(problemOf(slug, err.message, { ...base, ...errors }), headers),
  };
}
