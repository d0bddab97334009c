/**
 * Domain errors. Each carries what a caller must know to fix the problem; one place
 * (functions/shared/problem.ts) maps them to HTTP status codes and RFC 9457 bodies.
 */
export interface FieldIssue {
  field: string;
  message: string;
}

/** What zod reports of one problem, as far as a field issue needs it. */
interface SchemaIssue {
  code: string;
  path: PropertyKey[];
  message: string;
  keys?: string[];
}

/** A name that reads as a field (this API's are short snake_case words); anything else is not repeated. */
const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]{0,31}$/;

/**
 * Schema issues as field issues: each names its field (a dotted path; `body` for the whole), and an
 * unknown field is named itself rather than reported against its parent. Never the submitted value: an
 * unknown "field" that does not read as a field name (a pasted key, say) is reported without its name.
 */
export function fieldIssues(issues: readonly SchemaIssue[]): FieldIssue[] {
  return issues.flatMap((issue) => {
    const parent = issue.path
      .map((part) => (FIELD_NAME.test(String(part)) || typeof part === 'number' ? String(part) : '(a field)'))
      .join('.');
    if (issue.code === 'unrecognized_keys' && issue.keys?.length) {
      return issue.keys.map((key) => {
        const name = FIELD_NAME.test(key) ? key : '(a field)';
        return {
          field: parent ? `${parent}.${name}` : name,
          message:
            name === key
              ? 'is not a field this accepts'
              : 'is a field this does not accept (its name is not repeated here)',
        };
      });
    }
    return [{ field: parent || 'body', message: issue.message }];
  });
}

export class ValidationError extends Error {
  override name = 'ValidationError';
  constructor(
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
  }

  /** `<what>: <field>: <rule>; <field>: <rule>.` — the detail a person reads, with the issues beside it. */
  static listing(what: string, issues: FieldIssue[]): ValidationError {
    const summary = issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ');
    return new ValidationError(`${what.replace(/\.$/, '')}: ${summary}.`, issues);
  }
}

/** An uploaded file that cannot be read as CSV at a line (unclosed quote, binary content, …). */
export class ImportFileError extends Error {
  override name = 'ImportFileError';
  constructor(
    message: string,
    readonly line: number,
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

/** A group too small to show to members without exposing the individuals in it. */
export class GroupTooSmallError extends Error {
  override name = 'GroupTooSmallError';
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

/**
 * One place where a provider's answer differs from what this version reads: `where` it is, in our own words
 * (`at data[3].date`, `users-1-day file 1 of 1 line 2`), and the rule it breaks (`expected string, received
 * number`). Never the value found there: an answer may hold personal data or secrets.
 */
export interface AnswerIssue {
  where: string;
  rule: string;
}

/**
 * A provider answered a body this version cannot read: `not_json` — not JSON at all (cut short or damaged on the
 * way, as a proxy may); `unexpected_shape` — JSON that does not match the schema (the API changed, or answers a
 * case its docs leave out). Raised by the providers' parsing; `reads` says how many answers in a row were so.
 */
export class ProviderResponseError extends Error {
  override name = 'ProviderResponseError';
  constructor(
    readonly problem: 'not_json' | 'unexpected_shape',
    /** The first few places (at most ANSWER_ISSUES_SHOWN); `more` counts the rest. */
    readonly issues: readonly AnswerIssue[] = [],
    readonly more = 0,
    public reads = 1,
  ) {
    super(problem === 'not_json' ? 'an answer that is not JSON' : 'an answer of another shape');
  }
}

/** Places of an answer a reason names; the rest are counted. */
export const ANSWER_ISSUES_SHOWN = 3;
/** Longest reason kept for a day (it is shown to a team's admin; the logs have the rest). */
export const REASON_CHARS = 300;

/**
 * The reason a day (or a seat refresh) failed because of an answer it could not read, for a team's admin:
 * the provider's name, what was wrong and where (never a value), and `then` — what happens next. At most
 * REASON_CHARS characters: the places are shortened first, so the sentence always ends with `then`.
 */
export function unreadableAnswerReason(
  providerName: string,
  error: ProviderResponseError,
  then: string,
): string {
  const places = [
    ...error.issues
      .slice(0, ANSWER_ISSUES_SHOWN)
      .map((issue) => (issue.where ? `${issue.where}: ${issue.rule}` : issue.rule)),
    ...(error.more > 0 ? [`and ${error.more} more`] : []),
  ].join('; ');
  const times = error.reads > 1 ? ` ${error.reads} times in a row` : '';
  const what =
    error.problem === 'not_json'
      ? `a body that is not JSON${times}`
      : `a body this version does not read${times}`;
  const detail = places || (error.problem === 'not_json' ? 'cut short or damaged on the way' : '');
  const build = (inner: string) =>
    `The ${providerName} API answered ${what}${inner ? ` (${inner})` : ''}; ${then}.`;
  const full = build(detail);
  if (full.length <= REASON_CHARS) return full;
  const room = Math.max(0, detail.length - (full.length - REASON_CHARS) - 1);
  const shortened = build(`${detail.slice(0, room).trimEnd()}…`);
  return shortened.length <= REASON_CHARS ? shortened : `${shortened.slice(0, REASON_CHARS - 1)}…`;
}

/** Something on our side is briefly busy (not the provider); the same request will work shortly. */
export class TemporarilyUnavailableError extends Error {
  override name = 'TemporarilyUnavailableError';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** Not-found answers name what was asked for, never the id sent (submitted values are not echoed). */
export const NO_INTEGRATION = 'No integration with that id in your team.';
export const NO_IMPORT = 'No import with that id in your team.';

/** A request body larger than the endpoint takes (the detail says the limit). */
export class PayloadTooLargeError extends Error {
  override name = 'PayloadTooLargeError';
}

/** A request body in an encoding the endpoint does not read (the detail names the ones it does). */
export class UnsupportedMediaTypeError extends Error {
  override name = 'UnsupportedMediaTypeError';
}
