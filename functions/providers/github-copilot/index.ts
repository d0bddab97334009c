import { CredentialsRejectedError, ProviderUnavailableError } from '../../domain/errors';
import { addDays, toIsoDay } from '../../domain/dates';
import { ProviderHttpError } from '../http-client';
import type { SeatAssignment } from '../../domain/model';
import type { DayFetchResult } from '../../domain/provider';
import type { ProviderDefinition } from '../types';
import { GitHubCopilotClient, scopePath } from './client';
import { githubCopilotManifest } from './manifest';
import { normalizeCopilotDay } from './normalizer';
import {
  copilotOptionsSchema,
  copilotUserRecordSchema,
  copilotUserTeamSchema,
  type CopilotOptions,
  type CopilotSeat,
} from './schemas';
import { checkGitHubTokenFormat } from './token-format';

/** GitHub serves organisation reports from this day, enterprise reports from the next (2.3). */
export const ORG_REPORTS_SINCE = '2025-12-12';
export const ENTERPRISE_REPORTS_SINCE = '2025-10-10';
/** …and at most one year back. */
const HISTORY_DAYS = 365;
/**
 * GitHub publishes a day within two full UTC days after it ends. Until a third day has passed a
 * missing report means "not yet", after that "none for this day".
 */
const PUBLISH_GRACE_DAYS = 3;

const POLICY_HELP_ORG =
  'An organisation owner enables it in Organization settings → Copilot → Policies → "Copilot usage metrics".';
const POLICY_HELP_ENTERPRISE =
  'An enterprise owner sets Enterprise settings → AI controls → Copilot → "Copilot usage metrics" to "Enabled everywhere".';

function describeScope(options: CopilotOptions): string {
  return 'org' in options ? `organisation "${options.org}"` : `enterprise "${options.enterprise}"`;
}

function permissionHelp(options: CopilotOptions): string {
  return 'org' in options
    ? 'The token needs the read:org scope (classic token) or the "Organization Copilot metrics" read permission ' +
        '(fine-grained token, with the organisation as resource owner), and its owner must be an organisation owner ' +
        'or hold a role with "View Organization Copilot Metrics".'
    : 'The token needs the manage_billing:copilot or read:enterprise scope (classic token or GitHub App; ' +
        'fine-grained tokens cannot read enterprise reports), and its owner must be an enterprise owner, a billing ' +
        'manager or hold "View Enterprise Copilot Metrics".';
}

function policyOff(options: CopilotOptions, then: string): string {
  return (
    `GitHub serves no Copilot usage reports for the ${describeScope(options)}: the "Copilot usage metrics" policy is ` +
    ('org' in options
      ? 'disabled (or the organisation has no Copilot). '
      : 'disabled (or the enterprise slug is wrong, or it has no Copilot). ') +
    ('org' in options ? POLICY_HELP_ORG : POLICY_HELP_ENTERPRISE) +
    ` Then ${then}.`
  );
}

function rejectFromError(error: ProviderHttpError, options: CopilotOptions): never {
  if (error.kind === 'auth') {
    throw new CredentialsRejectedError(
      `GitHub rejected this token (${error.message}): it is revoked, expired or mistyped. Create a new token and connect again.`,
    );
  }
  if (error.kind === 'forbidden') {
    throw new CredentialsRejectedError(
      `GitHub refused this token access to Copilot usage metrics of the ${describeScope(options)} ` +
        `(${error.message}). ${permissionHelp(options)}`,
    );
  }
  throw new ProviderUnavailableError(
    `GitHub could not be asked to check the token (${error.message}); try again in a few minutes.`,
    error.retryAfterSeconds,
  );
}

function earliestDay(options: CopilotOptions, now: Date): string {
  const launch = 'org' in options ? ORG_REPORTS_SINCE : ENTERPRISE_REPORTS_SINCE;
  const yearBack = addDays(toIsoDay(now), -(HISTORY_DAYS - 1));
  return yearBack > launch ? yearBack : launch;
}

/** A seat; `emails` (SAML-linked e-mails by GitHub user id) adds the assignee's e-mail where it has one. */
function toSeat(seat: CopilotSeat, emails?: ReadonlyMap<number, string>): SeatAssignment | undefined {
  if (!seat.assignee) return undefined;
  const email = emails?.get(Number(seat.assignee.id));
  return {
    developer: {
      key: `github:${seat.assignee.id}`,
      kind: 'user',
      ...(seat.assignee.login ? { login: seat.assignee.login } : {}),
      ...(email ? { email } : {}),
    },
    ...(seat.created_at ? { assigned_at: seat.created_at } : {}),
    last_activity_at: seat.last_activity_at ?? null,
    last_activity_editor: seat.last_activity_editor ?? null,
    ...(seat.plan_type ? { plan_type: seat.plan_type } : {}),
    pending_cancellation_date: seat.pending_cancellation_date ?? null,
    assigning_team: seat.assigning_team?.slug ?? seat.assigning_team?.name ?? null,
  };
}

export const githubCopilotProvider = {
  manifest: githubCopilotManifest,
  connectOptionsSchema: copilotOptionsSchema,
  checkKeyFormat: checkGitHubTokenFormat,
  earliestDay,

  async verifyCredentials({ apiKey, options }, ctx) {
    if ('enterprise' in options && apiKey.startsWith('github_pat_')) {
      throw new CredentialsRejectedError(
        'GitHub does not let fine-grained tokens read enterprise Copilot reports. ' + permissionHelp(options),
      );
    }
    const client = new GitHubCopilotClient(apiKey, options, ctx);
    let account: { id: string; name: string };
    try {
      if ('org' in options) {
        const organization = await client.getOrganization(options.org);
        account = { id: `org:${organization.id}`, name: organization.name };
      } else {
        account = { id: `enterprise:${options.enterprise.toLowerCase()}`, name: options.enterprise };
      }
      // The call that proves access to Copilot data: the newest 28-day report (links are not followed).
      const answer = await client.reportLinks(
        `${scopePath(options)}/copilot/metrics/reports/${'org' in options ? 'organization' : 'enterprise'}-28-day/latest`,
        {},
      );
      if (answer.kind === 'not_found')
        throw new CredentialsRejectedError(policyOff(options, 'connect again'));
      return account;
    } catch (error) {
      if (error instanceof ProviderHttpError && error.kind === 'not_found') {
        throw new CredentialsRejectedError(
          `GitHub has no ${describeScope(options)} that this token can see. Check the name; a fine-grained token ` +
            'must have the organisation as its resource owner, and SSO-protected organisations need the token authorised for SSO.',
        );
      }
      if (error instanceof ProviderHttpError) rejectFromError(error, options);
      throw error;
    }
  },

  async fetchDay({ apiKey, options }, day, ctx): Promise<DayFetchResult> {
    const now = ctx.now();
    const earliest = earliestDay(options, now);
    if (day < earliest) {
      return {
        kind: 'not_available',
        scope: 'day',
        message: `GitHub serves Copilot reports of the ${describeScope(options)} from ${earliest} only.`,
      };
    }
    const client = new GitHubCopilotClient(apiKey, options, ctx);
    const users = await client.getDayReport('users-1-day', day, copilotUserRecordSchema);
    if (users.kind === 'not_found') {
      return { kind: 'not_available', scope: 'integration', message: policyOff(options, 'sync again') };
    }
    if (users.kind === 'no_content') {
      const age = Math.round((Date.parse(toIsoDay(now)) - Date.parse(day)) / 86_400_000);
      return age <= PUBLISH_GRACE_DAYS
        ? {
            kind: 'not_ready',
            message: `GitHub has not published the report of ${day} yet (it takes up to two days).`,
          }
        : {
            kind: 'not_available',
            scope: 'day',
            message:
              `GitHub published no report for ${day}. It publishes none for a day with too few Copilot users to ` +
              'report on; the day is shown as not available rather than as zero.',
          };
    }
    if (users.records.length === 0) {
      return { kind: 'ok', raw: { users: [], user_teams: [] }, requests: users.requests };
    }
    // Team membership only matters for users who were active that day.
    const teams = await client.getDayReport('user-teams-1-day', day, copilotUserTeamSchema);
    return {
      kind: 'ok',
      raw: { users: users.records, user_teams: teams.kind === 'records' ? teams.records : [] },
      requests: users.requests + teams.requests,
    };
  },

  normalizeDay: normalizeCopilotDay,

  async fetchSeats({ apiKey, options }, ctx) {
    const client = new GitHubCopilotClient(apiKey, options, ctx);
    const answer = await client.listSeats();
    if (answer.kind === 'not_set_up') {
      return {
        kind: 'not_available',
        scope: 'integration',
        message: `Copilot is not set up for the ${describeScope(options)} (GitHub answered ${answer.status} for its seats: ${answer.message}).`,
      };
    }
    if (answer.total === 0) {
      return {
        kind: 'not_available',
        scope: 'integration',
        message: `The ${describeScope(options)} has no Copilot seats assigned, so GitHub reports no usage. Assign seats, then sync again.`,
      };
    }
    // Where the organisation (or enterprise) uses SAML SSO, each member's IdP e-mail lets other tools' rows
    // for the same person be matched. Without SSO, or without the permission to read it, seats carry none.
    const saml = answer.seats.some((seat) => seat.assignee) ? await client.samlEmails() : undefined;
    const emails = saml?.kind === 'links' ? saml.emails : undefined;
    const seats = answer.seats
      .map((seat) => toSeat(seat, emails))
      .filter((seat): seat is SeatAssignment => seat !== undefined);
    return { kind: 'ok', seats, requests: answer.requests + (saml?.requests ?? 0) };
  },
} satisfies ProviderDefinition<CopilotOptions>;
