import { problemType, type ProblemSlug } from '../../functions/schemas/problems';
import { call, describeAnswer, isRecord, type HttpAnswer } from './http';
import type { SmokeReport } from './report';
import { CheckFailed, runStep } from './step';

/** The integration id asked for to see a 404: well-formed, and no team has it. */
export const UNKNOWN_INTEGRATION_ID = 'int_smoke0000000000000000';
/** A key of the right shape that must never reach a provider: the member is refused first. */
export const SMOKE_API_KEY = 'sk-ant-admin01-smoke';
const DAYS = 7;

/**
 * Holds when the answer has `status` and `body` (given the parsed JSON) finds nothing wrong. Seen on a
 * failure: the answer ("500 application/problem+json {…}"), after what is wrong with a right status.
 */
function expect(answer: HttpAnswer, status: number, body?: (json: unknown) => string | undefined): void {
  if (answer.status !== status) throw new CheckFailed(describeAnswer(answer));
  const problem = body?.(answer.json);
  if (problem) throw new CheckFailed(`${problem}: ${describeAnswer(answer)}`);
}

/** An RFC 9457 answer of the API: problem+json content type, its status and `type` in the body. */
function expectProblem(answer: HttpAnswer, status: number, slug: ProblemSlug): void {
  expect(answer, status, (json) => {
    if (!answer.contentType.startsWith('application/problem+json')) return 'not problem+json';
    if (!isRecord(json) || json.status !== status) return 'no problem body';
    if (json.type !== problemType(slug)) return `problem type is not ${problemType(slug)}`;
    return undefined;
  });
}

/** Step 2: what anyone can reach, and that the authorizer refuses a call without a token. */
export async function checkPublicEndpoints(
  report: SmokeReport,
  fetchImpl: typeof fetch,
  apiUrl: string,
): Promise<void> {
  await runStep(report, 'GET /health', '200 with status "ok"', async () => {
    const answer = await call(fetchImpl, apiUrl, 'GET', '/health');
    expect(answer, 200, (json) =>
      isRecord(json) && json.status === 'ok' ? undefined : 'status is not "ok"',
    );
  });
  await runStep(report, 'GET /openapi.json', '200 with openapi "3.1.0"', async () => {
    const answer = await call(fetchImpl, apiUrl, 'GET', '/openapi.json');
    expect(answer, 200, (json) =>
      isRecord(json) && json.openapi === '3.1.0' ? undefined : 'openapi is not "3.1.0"',
    );
  });
  await runStep(report, 'GET /dashboard without a token', '401 from the JWT authorizer', async () => {
    expect(await call(fetchImpl, apiUrl, 'GET', '/dashboard'), 401);
  });
}

/** The read and admin-refusal checks of steps 5 and 6, by row name, so a caller can skip them all. */
export const authenticatedSteps = [
  'GET /integrations',
  `GET /integrations/${UNKNOWN_INTEGRATION_ID}`,
  `GET /dashboard?days=${DAYS}`,
  `GET /dashboard/developers?days=${DAYS}`,
  'POST /connect as a member',
] as const;

/**
 * Steps 5 and 6 with the member's ID token. Returns the id of an integration the connect call created
 * (only when the API wrongly let a member connect), so the caller can remove it.
 */
export async function checkAsMember(
  report: SmokeReport,
  fetchImpl: typeof fetch,
  apiUrl: string,
  idToken: string,
): Promise<{ strayIntegrationId?: string }> {
  const get = (path: string) => call(fetchImpl, apiUrl, 'GET', path, { token: idToken });
  const [integrations, unknown, dashboard, developers, connect] = authenticatedSteps;

  await runStep(report, integrations, '200 with integrations: [] (the team is new)', async () => {
    expect(await get('/integrations'), 200, (json) =>
      isRecord(json) && Array.isArray(json.integrations) && json.integrations.length === 0
        ? undefined
        : 'integrations is not []',
    );
  });
  await runStep(
    report,
    unknown,
    "404 problem+json (not-found): no such integration in the caller's team",
    async () => {
      expectProblem(await get(`/integrations/${UNKNOWN_INTEGRATION_ID}`), 404, 'not-found');
    },
  );
  await runStep(report, dashboard, `200 with ${DAYS} heatmap_data entries`, async () => {
    expect(await get(`/dashboard?days=${DAYS}`), 200, (json) => {
      const heatmap = isRecord(json) ? json.heatmap_data : undefined;
      if (!Array.isArray(heatmap)) return 'no heatmap_data list';
      return heatmap.length === DAYS ? undefined : `${heatmap.length} heatmap_data entries`;
    });
  });
  await runStep(report, developers, '200 with a developers list', async () => {
    expect(await get(`/dashboard/developers?days=${DAYS}`), 200, (json) =>
      isRecord(json) && Array.isArray(json.developers) ? undefined : 'no developers list',
    );
  });

  let strayIntegrationId: string | undefined;
  await runStep(
    report,
    connect,
    '403 problem+json (forbidden): a member cannot connect; the role is checked before anything is stored',
    async () => {
      const answer = await call(fetchImpl, apiUrl, 'POST', '/connect', {
        token: idToken,
        body: { provider: 'claude_code', api_key: SMOKE_API_KEY },
      });
      if (isRecord(answer.json) && typeof answer.json.integration_id === 'string') {
        strayIntegrationId = answer.json.integration_id;
      }
      expectProblem(answer, 403, 'forbidden');
    },
  );
  return strayIntegrationId ? { strayIntegrationId } : {};
}

/** Cleanup of an integration a faulty connect created: DELETE with the same token, 204 expected. */
export async function deleteStrayIntegration(
  report: SmokeReport,
  fetchImpl: typeof fetch,
  apiUrl: string,
  idToken: string,
  integrationId: string,
): Promise<void> {
  await runStep(
    report,
    `cleanup: DELETE /integrations/${integrationId}`,
    'the integration the member should not have created is gone (204)',
    async () => {
      const answer = await call(fetchImpl, apiUrl, 'DELETE', `/integrations/${integrationId}`, {
        token: idToken,
      });
      if (answer.status !== 204) {
        throw new CheckFailed(`${describeAnswer(answer)}; delete it as an admin (DELETE /integrations/{id})`);
      }
    },
  );
}
