/**
 * Domain errors. Each carries what a caller must know to fix the problem; one place
 * (functions/shared/problem.ts) maps them to HTTP status codes and RFC 9457 bodies.
 */
export interface FieldIssue {
  field: string;
  message: string;
}

export class ValidationError extends Error {
  override name = 'ValidationError';
  constructor(
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
  }
}

export class UnauthorizedError extends Error {
  override name = 'UnauthorizedError';
}

export class ForbiddenError extends Error {
  override name = 'ForbiddenError';
}

export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

export class ConflictError extends Error {
  override name = 'ConflictError';
}

/** The provider answered and refused the credentials (or their permissions). */
export class CredentialsRejectedError extends Error {
  override name = 'CredentialsRejectedError';
}

/** The provider could not be asked (outage, overload, network); the caller may retry later. */
export class ProviderUnavailableError extends Error {
  override name = 'ProviderUnavailableError';
  constructor(
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

export class TooManyRequestsError extends Error {
  override name = 'TooManyRequestsError';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}
