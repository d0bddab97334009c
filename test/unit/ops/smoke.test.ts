import { mockClient } from 'aws-sdk-client-mock';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  CloudWatchClient,
  DescribeAlarmHistoryCommand,
  DescribeAlarmsCommand,
  SetAlarmStateCommand,
} from '@aws-sdk/client-cloudwatch';
import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminInitiateAuthCommand,
  AdminRespondToAuthChallengeCommand,
  AssociateSoftwareTokenCommand,
  CognitoIdentityProviderClient,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { Secret, TOTP } from 'otpauth';
import { httpRoutes } from '../../../functions/routes';
import { runSmoke, type SmokeDeps } from '../../../ops/smoke';

const REGION = 'eu-west-1';
const API = 'https://a1b2c3.execute-api.eu-west-1.amazonaws.com/api/ai-usage';
const POOL = 'eu-west-1_SmokePool';
const CLIENT = 'smokeclient0123456789';
const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:AiUsage-dev-Stateless-AlarmsTopic-ABC';
const ALARM = 'AiUsage-dev-Stateless-AlarmsApi5xx-XYZ';
const POOL_USERNAME = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
/** What AssociateSoftwareToken returns: a base32 TOTP secret. */
const TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const ID_TOKEN = 'eyJ-ID-TOKEN-of-the-smoke-member';
const ACCESS_TOKEN = 'eyJ-ACCESS-TOKEN-of-the-smoke-member';
const REFRESH_TOKEN = 'eyJ-REFRESH-TOKEN-of-the-smoke-member';
const SESSIONS = [
  'SESSION-initiate-1111',
  'SESSION-new-password-2222',
  'SESSION-associate-3333',
  'SESSION-verified-4444',
];
/** 10 s into a 30-s TOTP step. */
const START = Date.parse('2026-11-30T10:00:10.000Z');

const cloudFormation = mockClient(CloudFormationClient);
const cognito = mockClient(CognitoIdentityProviderClient);
const cloudWatch = mockClient(CloudWatchClient);

type Answer = { status: number; body?: unknown; contentType?: string };
type Request = { method: string; path: string; authorization: string | null; body: unknown };

const problem = (status: number, slug: string, instance: string): Answer => ({
  status,
  contentType: 'application/problem+json',
  body: {
    type: `urn:ai-usage:problem:${slug}`,
    title: slug,
    status,
    detail: '…',
    instance,
    request_id: 'r-1',
  },
});

/**
 * A fake of the deployed API: public routes answer anyone, the rest only `Bearer <ID token>` (API
 * Gateway's own 401 otherwise), each as the handlers do for a new team of one member. `overrides`, by
 * "METHOD /path?query", replaces an answer.
 */
function fakeApi(overrides: Record<string, (request: Request) => Answer> = {}) {
  const requests: Request[] = [];
  const fetch = async (input: string | URL | globalThis.Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input));
    expect(url.href.startsWith(`${API}/`)).toBe(true);
    const path = `${url.pathname.slice(new URL(API).pathname.length)}${url.search}`;
    const headers = new Headers(init?.headers);
    const request: Request = {
      method: init?.method ?? 'GET',
      path,
      authorization: headers.get('authorization'),
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
    };
    requests.push(request);
    const key = `${request.method} ${path}`;
    const answer = overrides[key]?.(request) ?? defaultAnswer(request);
    return new Response(answer.status === 204 ? null : JSON.stringify(answer.body ?? {}), {
      status: answer.status,
      headers: { 'content-type': answer.contentType ?? 'application/json' },
    });
  };
  return { fetch: fetch as typeof globalThis.fetch, requests };
}

function defaultAnswer(request: Request): Answer {
  const key = `${request.method} ${request.path}`;
  if (key === 'GET /health') return { status: 200, body: { status: 'ok', service: 'health', providers: [] } };
  if (key === 'GET /openapi.json') return { status: 200, body: { openapi: '3.1.0', paths: {} } };
  if (request.authorization !== `Bearer ${ID_TOKEN}`)
    return { status: 401, body: { message: 'Unauthorized' } };
  if (key === 'GET /integrations') return { status: 200, body: { integrations: [] } };
  if (key.startsWith('GET /integrations/')) return problem(404, 'not-found', request.path);
  if (key === 'GET /dashboard?days=7') {
    const heatmap_data = Array.from({ length: 7 }, (_, i) => ({
      date: `2026-11-2${i + 4}`,
      count: 0,
      state: 'not_fetched',
    }));
    return { status: 200, body: { team_id: 'smoke-x', heatmap_data, tools: [] } };
  }
  if (key === 'GET /dashboard/developers?days=7') {
    return { status: 200, body: { team_id: 'smoke-x', developers: [], seats: [], unreported_teams: [] } };
  }
  if (key === 'POST /connect') return problem(403, 'forbidden', '/api/ai-usage/connect');
  if (key.startsWith('DELETE /integrations/')) return { status: 204 };
  return problem(404, 'not-found', request.path);
}

function stack(name: string, outputs: Record<string, string>) {
  return {
    Stacks: [
      {
        StackName: name,
        StackStatus: 'UPDATE_COMPLETE' as const,
        CreationTime: new Date(START - 86_400_000),
        Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
      },
    ],
  };
}

const statefulOutputs = { UserPoolId: POOL, UserPoolClientId: CLIENT };
const statelessOutputs = { ApiUrl: API, AlarmTopicArn: TOPIC, SmokeAlarmName: ALARM };

/** The clock only moves when the run sleeps; every sleep is recorded. */
function fakeClock() {
  let now = START;
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    sleeps,
  };
}

/** A deterministic random source (xorshift32). */
function fakeRandom(seed = 0x2545f491) {
  let state = seed;
  return (size: number) =>
    Uint8Array.from({ length: size }, () => {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return (state >>> 0) & 0xff;
    });
}

let clock: ReturnType<typeof fakeClock>;
/** Each VerifySoftwareToken / SOFTWARE_TOKEN_MFA code, with the clock when Cognito got it. */
let codes: { code: string; at: number; via: string }[];

function happyAws() {
  cloudFormation
    .on(DescribeStacksCommand, { StackName: 'AiUsage-dev-Stateful' })
    .resolves(stack('AiUsage-dev-Stateful', statefulOutputs));
  cloudFormation
    .on(DescribeStacksCommand, { StackName: 'AiUsage-dev-Stateless' })
    .resolves(stack('AiUsage-dev-Stateless', statelessOutputs));

  cognito
    .on(AdminCreateUserCommand)
    .resolves({ User: { Username: POOL_USERNAME, UserStatus: 'FORCE_CHANGE_PASSWORD' } });
  cognito.on(AdminInitiateAuthCommand).resolves({
    ChallengeName: 'NEW_PASSWORD_REQUIRED',
    Session: SESSIONS[0],
    ChallengeParameters: { USER_ID_FOR_SRP: POOL_USERNAME, requiredAttributes: '[]', userAttributes: '{}' },
  });
  cognito.on(AdminRespondToAuthChallengeCommand, { ChallengeName: 'NEW_PASSWORD_REQUIRED' }).resolves({
    ChallengeName: 'MFA_SETUP',
    Session: SESSIONS[1],
    ChallengeParameters: { MFAS_CAN_SETUP: '["SOFTWARE_TOKEN_MFA"]' },
  });
  cognito.on(AssociateSoftwareTokenCommand).resolves({ SecretCode: TOTP_SECRET, Session: SESSIONS[2] });
  cognito.on(VerifySoftwareTokenCommand).callsFake((input: { UserCode: string }) => {
    codes.push({ code: input.UserCode, at: clock.now(), via: 'VerifySoftwareToken' });
    return { Status: 'SUCCESS', Session: SESSIONS[3] };
  });
  cognito.on(AdminRespondToAuthChallengeCommand, { ChallengeName: 'MFA_SETUP' }).resolves({
    AuthenticationResult: { IdToken: ID_TOKEN, AccessToken: ACCESS_TOKEN, RefreshToken: REFRESH_TOKEN },
  });
  cognito.on(AdminDeleteUserCommand).resolves({});

  cloudWatch.on(DescribeAlarmsCommand).resolves({
    MetricAlarms: [{ AlarmName: ALARM, StateValue: 'OK', AlarmActions: [TOPIC] }],
  });
  cloudWatch.on(SetAlarmStateCommand).resolves({});
  cloudWatch
    .on(DescribeAlarmHistoryCommand)
    .resolvesOnce({ AlarmHistoryItems: [] })
    .resolves({
      AlarmHistoryItems: [
        {
          AlarmName: ALARM,
          HistoryItemType: 'Action',
          Timestamp: new Date(START + 7_000),
          HistorySummary: `Successfully executed action ${TOPIC}`,
        },
      ],
    });
}

async function run(api = fakeApi()) {
  const lines: string[] = [];
  const deps: SmokeDeps = {
    stage: 'dev',
    cloudFormation: new CloudFormationClient({ region: REGION }),
    cognito: new CognitoIdentityProviderClient({ region: REGION }),
    cloudWatch: new CloudWatchClient({ region: REGION }),
    fetch: api.fetch,
    sleep: clock.sleep,
    now: clock.now,
    random: fakeRandom(),
    print: (line) => lines.push(line),
  };
  const result = await runSmoke(deps);
  const rows = Object.fromEntries(result.rows.map((row) => [row.step, row]));
  return { ...result, rowsByStep: rows, output: lines.join('\n'), requests: api.requests };
}

const outcomes = (result: { rows: { step: string; outcome: string }[] }) =>
  result.rows.map((row) => `${row.outcome} ${row.step}`);

const alarmStates = () =>
  cloudWatch.commandCalls(SetAlarmStateCommand).map((call) => call.args[0].input.StateValue);

describe('npm run smoke', () => {
  beforeEach(() => {
    cloudFormation.reset();
    cognito.reset();
    cloudWatch.reset();
    clock = fakeClock();
    codes = [];
    happyAws();
  });

  it('passes every step of a healthy stage, in order, and cleans up', async () => {
    const result = await run();

    expect(outcomes(result)).toEqual([
      'PASS outputs of AiUsage-dev-Stateful',
      'PASS outputs of AiUsage-dev-Stateless',
      'PASS GET /health',
      'PASS GET /openapi.json',
      'PASS GET /dashboard without a token',
      'PASS create test user',
      'PASS sign in',
      'PASS GET /integrations',
      'PASS GET /integrations/int_smoke0000000000000000',
      'PASS GET /dashboard?days=7',
      'PASS GET /dashboard/developers?days=7',
      'PASS POST /connect as a member',
      'PASS alarm notification',
      'PASS cleanup: delete test user',
      'PASS cleanup: alarm back to OK',
    ]);
    expect(result.exitCode).toBe(0);
    expect(result.rowsByStep['sign in']?.checked).toContain('(NEW_PASSWORD_REQUIRED → MFA_SETUP)');
    expect(result.output).toMatch(/^15 passed, 0 failed, 0 skipped$/m);
    expect(result.output).toContain('receives one test notification');
  });

  it('creates a member of a new team without sending an e-mail, with a strong temporary password', async () => {
    await run();
    const input = cognito.commandCalls(AdminCreateUserCommand)[0]?.args[0].input;
    expect(input).toMatchObject({ UserPoolId: POOL, MessageAction: 'SUPPRESS' });
    const email = input?.Username ?? '';
    expect(email).toMatch(/^smoke\+[a-z0-9]{12}@example\.com$/);
    const teamId = `smoke-${email.slice('smoke+'.length, email.indexOf('@'))}`;
    expect(input?.UserAttributes).toEqual([
      { Name: 'email', Value: email },
      { Name: 'email_verified', Value: 'true' },
      { Name: 'custom:team_id', Value: teamId },
      { Name: 'custom:role', Value: 'member' },
    ]);
    const password = input?.TemporaryPassword ?? '';
    expect(password.length).toBeGreaterThanOrEqual(12);
    expect(password).toMatch(/[A-Z]/);
    expect(password).toMatch(/[a-z]/);
    expect(password).toMatch(/[0-9]/);
    expect(password).toMatch(/[^A-Za-z0-9]/);
  });

  it('answers NEW_PASSWORD_REQUIRED then MFA_SETUP with a TOTP code that validates against the secret', async () => {
    await run();
    const initiate = cognito.commandCalls(AdminInitiateAuthCommand)[0]?.args[0].input;
    const created = cognito.commandCalls(AdminCreateUserCommand)[0]?.args[0].input;
    expect(initiate).toMatchObject({
      UserPoolId: POOL,
      ClientId: CLIENT,
      AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: created?.Username, PASSWORD: created?.TemporaryPassword },
    });

    const responses = cognito
      .commandCalls(AdminRespondToAuthChallengeCommand)
      .map((call) => call.args[0].input);
    expect(responses.map((r) => [r.ChallengeName, r.Session])).toEqual([
      ['NEW_PASSWORD_REQUIRED', SESSIONS[0]],
      ['MFA_SETUP', SESSIONS[3]],
    ]);
    expect(responses.every((r) => r.ClientId === CLIENT && r.UserPoolId === POOL)).toBe(true);
    expect(responses.every((r) => r.ChallengeResponses?.USERNAME === POOL_USERNAME)).toBe(true);
    const newPassword = responses[0]?.ChallengeResponses?.NEW_PASSWORD ?? '';
    expect(newPassword).toMatch(/^(?=.*[A-Z])(?=.*[a-z])(?=.*\d)(?=.*[^A-Za-z0-9]).{12,}$/);
    expect(newPassword).not.toBe(created?.TemporaryPassword);

    expect(cognito.commandCalls(AssociateSoftwareTokenCommand)[0]?.args[0].input).toEqual({
      Session: SESSIONS[1],
    });
    const verify = cognito.commandCalls(VerifySoftwareTokenCommand)[0]?.args[0].input;
    expect(verify?.Session).toBe(SESSIONS[2]);
    expect(verify?.UserCode).toMatch(/^\d{6}$/);
    const [used] = codes;
    expect(
      TOTP.validate({
        token: used?.code ?? '',
        secret: Secret.fromBase32(TOTP_SECRET),
        timestamp: used?.at,
        window: 0,
      }),
    ).toBe(0);
  });

  it('calls the API with the ID token (not the access token) on every authenticated route of routes.ts', async () => {
    const result = await run();
    const authenticated = result.requests.filter((r) => r.authorization !== null);
    expect(authenticated.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /integrations',
      'GET /integrations/int_smoke0000000000000000',
      'GET /dashboard?days=7',
      'GET /dashboard/developers?days=7',
      'POST /connect',
    ]);
    expect(authenticated.every((r) => r.authorization === `Bearer ${ID_TOKEN}`)).toBe(true);
    expect(result.requests.find((r) => r.path === '/connect')?.body).toEqual({
      provider: 'claude_code',
      api_key: 'sk-ant-admin01-smoke',
    });
    // Every call is to a route the API declares, as the route list would have it authenticated or not.
    for (const request of result.requests) {
      const path = request.path.split('?')[0] ?? '';
      const route = httpRoutes.find(
        (r) =>
          r.method === request.method && new RegExp(`^${r.path.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path),
      );
      expect(route).toBeDefined();
      expect(route?.authenticated).toBe(request.authorization !== null || path === '/dashboard');
    }
  });

  it('fires the smoke alarm, reads its action history since then, and sets it back to OK', async () => {
    await run();
    const sets = cloudWatch.commandCalls(SetAlarmStateCommand).map((call) => call.args[0].input);
    expect(sets).toEqual([
      { AlarmName: ALARM, StateValue: 'ALARM', StateReason: 'smoke test' },
      { AlarmName: ALARM, StateValue: 'OK', StateReason: 'smoke test: back to OK' },
    ]);
    const history = cloudWatch.commandCalls(DescribeAlarmHistoryCommand).map((call) => call.args[0].input);
    expect(history).toHaveLength(2);
    expect(history[0]).toMatchObject({ AlarmName: ALARM, HistoryItemType: 'Action' });
    // From when the state was set (less a 5-s allowance for the operator's clock), never earlier.
    expect(history[0]?.StartDate).toEqual(new Date(START - 5_000));
    expect(cognito.commandCalls(AdminDeleteUserCommand)[0]?.args[0].input).toEqual({
      UserPoolId: POOL,
      Username: POOL_USERNAME,
    });
  });

  it.each([
    [
      'a missing output',
      () =>
        cloudFormation
          .on(DescribeStacksCommand, { StackName: 'AiUsage-dev-Stateless' })
          .resolves(stack('AiUsage-dev-Stateless', { ApiUrl: API, AlarmTopicArn: TOPIC })),
      /^stack AiUsage-dev-Stateless \(UPDATE_COMPLETE\) has no output SmokeAlarmName; deploy first: STAGE=dev npm run deploy$/,
    ],
    [
      'a missing stack',
      () =>
        cloudFormation.on(DescribeStacksCommand, { StackName: 'AiUsage-dev-Stateless' }).rejects(
          Object.assign(new Error('Stack with id AiUsage-dev-Stateless does not exist'), {
            name: 'ValidationError',
          }),
        ),
      /^stack AiUsage-dev-Stateless does not exist in eu-west-1; deploy first: STAGE=dev npm run deploy$/,
    ],
  ])('fails clearly on %s and creates nothing', async (_case, arrange, seen) => {
    arrange();
    const api = fakeApi();
    const result = await run(api);

    expect(result.exitCode).toBe(1);
    expect(outcomes(result)).toEqual([
      'PASS outputs of AiUsage-dev-Stateful',
      'FAIL outputs of AiUsage-dev-Stateless',
      'SKIP everything else',
    ]);
    expect(result.rowsByStep['outputs of AiUsage-dev-Stateless']?.seen).toMatch(seen);
    expect(result.output).toContain('deploy first: STAGE=dev npm run deploy');
    expect(cognito.calls()).toHaveLength(0);
    expect(cloudWatch.calls()).toHaveLength(0);
    expect(api.requests).toHaveLength(0);
  });

  it('fails the alarm row with the summary when the SNS action failed, and still cleans up', async () => {
    const summary = `Failed to execute action ${TOPIC}. Received error: "Resource: arn:aws:cloudwatch:eu-west-1:111122223333:alarm:${ALARM} is not authorized to perform: SNS:Publish on resource: ${TOPIC}"`;
    cloudWatch.on(DescribeAlarmHistoryCommand).resolves({
      AlarmHistoryItems: [{ AlarmName: ALARM, HistoryItemType: 'Action', HistorySummary: summary }],
    });
    const result = await run();

    expect(result.exitCode).toBe(1);
    expect(result.rowsByStep['alarm notification']).toMatchObject({ outcome: 'FAIL', seen: summary });
    expect(result.rows.filter((row) => row.outcome !== 'PASS').map((row) => row.step)).toEqual([
      'alarm notification',
    ]);
    expect(alarmStates()).toEqual(['ALARM', 'OK']);
    expect(cognito.commandCalls(AdminDeleteUserCommand)).toHaveLength(1);
    expect(result.output).toMatch(/^14 passed, 1 failed, 0 skipped$/m);
  });

  it('fails the alarm row when no action shows up within about 60 s, reading the history a bounded number of times', async () => {
    cloudWatch.on(DescribeAlarmHistoryCommand).resolves({ AlarmHistoryItems: [] });
    const result = await run();

    expect(result.rowsByStep['alarm notification']?.seen).toBe(`no action history for ${TOPIC} within 60 s`);
    expect(cloudWatch.commandCalls(DescribeAlarmHistoryCommand)).toHaveLength(12);
    expect(clock.sleeps.reduce((sum, ms) => sum + ms, 0)).toBe(60_000);
    expect(alarmStates()).toEqual(['ALARM', 'OK']);
    expect(result.exitCode).toBe(1);
  });

  it('leaves an alarm that is already in ALARM alone', async () => {
    cloudWatch.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [
        { AlarmName: ALARM, StateValue: 'ALARM', StateReason: 'Threshold Crossed', AlarmActions: [TOPIC] },
      ],
    });
    const result = await run();

    expect(result.rowsByStep['alarm notification']?.seen).toMatch(/already in ALARM \(Threshold Crossed\)/);
    expect(alarmStates()).toEqual([]);
    expect(result.rowsByStep['cleanup: alarm back to OK']).toBeUndefined();
    expect(result.exitCode).toBe(1);
  });

  it('fails when a member CAN connect, and deletes the integration it made', async () => {
    const api = fakeApi({
      'POST /connect': () => ({ status: 201, body: { integration_id: 'int_strayx', created: true } }),
    });
    const result = await run(api);

    expect(result.exitCode).toBe(1);
    expect(result.rowsByStep['POST /connect as a member']).toMatchObject({ outcome: 'FAIL' });
    expect(result.rowsByStep['POST /connect as a member']?.seen).toMatch(
      /^201 application\/json \{"integration_id":"int_strayx"/,
    );
    expect(api.requests.map((r) => `${r.method} ${r.path}`)).toContain('DELETE /integrations/int_strayx');
    expect(result.rowsByStep['cleanup: DELETE /integrations/int_strayx']?.outcome).toBe('PASS');
    expect(cognito.commandCalls(AdminDeleteUserCommand)).toHaveLength(1);
  });

  it('fails a wrong 403 that is not the API problem+json', async () => {
    const api = fakeApi({ 'POST /connect': () => ({ status: 403, body: { message: 'Forbidden' } }) });
    const result = await run(api);
    expect(result.rowsByStep['POST /connect as a member']?.seen).toMatch(/^not problem\+json: 403/);
  });

  it('still deletes the user and resets the alarm when a step in the middle fails (dashboard 500)', async () => {
    const api = fakeApi({
      'GET /dashboard?days=7': () => problem(500, 'internal-error', '/api/ai-usage/dashboard'),
    });
    const result = await run(api);

    expect(result.exitCode).toBe(1);
    expect(result.rowsByStep['GET /dashboard?days=7']?.outcome).toBe('FAIL');
    expect(result.rowsByStep['GET /dashboard?days=7']?.seen).toMatch(/^500 application\/problem\+json/);
    expect(result.rowsByStep['GET /dashboard/developers?days=7']?.outcome).toBe('PASS');
    expect(result.rowsByStep['cleanup: delete test user']?.outcome).toBe('PASS');
    expect(cognito.commandCalls(AdminDeleteUserCommand)).toHaveLength(1);
    expect(alarmStates()).toEqual(['ALARM', 'OK']);
  });

  it('skips the API calls that need a token when sign-in fails, and deletes the user', async () => {
    cognito.on(VerifySoftwareTokenCommand).resolves({ Status: 'ERROR' });
    const result = await run();

    expect(result.rowsByStep['sign in']).toMatchObject({
      outcome: 'FAIL',
      seen: 'VerifySoftwareToken answered ERROR',
    });
    expect(result.rows.filter((row) => row.outcome === 'SKIP').map((row) => row.step)).toEqual([
      'GET /integrations',
      'GET /integrations/int_smoke0000000000000000',
      'GET /dashboard?days=7',
      'GET /dashboard/developers?days=7',
      'POST /connect as a member',
    ]);
    expect(result.requests.filter((r) => r.authorization !== null)).toHaveLength(0);
    expect(result.rowsByStep['cleanup: delete test user']?.outcome).toBe('PASS');
    expect(result.exitCode).toBe(1);
  });

  it('fails clearly on a challenge it does not answer', async () => {
    cognito.on(AdminRespondToAuthChallengeCommand, { ChallengeName: 'NEW_PASSWORD_REQUIRED' }).resolves({
      ChallengeName: 'SMS_MFA',
      Session: 'SESSION-sms',
      ChallengeParameters: {},
    });
    const result = await run();

    expect(result.rowsByStep['sign in']?.seen).toBe(
      'unexpected challenge SMS_MFA (after NEW_PASSWORD_REQUIRED); the smoke test answers NEW_PASSWORD_REQUIRED, MFA_SETUP and SOFTWARE_TOKEN_MFA',
    );
    expect(cognito.commandCalls(AdminDeleteUserCommand)).toHaveLength(1);
  });

  it('waits for the next 30-s step before a second TOTP code (SOFTWARE_TOKEN_MFA after MFA_SETUP)', async () => {
    cognito.on(AdminRespondToAuthChallengeCommand, { ChallengeName: 'MFA_SETUP' }).resolves({
      ChallengeName: 'SOFTWARE_TOKEN_MFA',
      Session: 'SESSION-mfa-5555',
      ChallengeParameters: {},
    });
    cognito
      .on(AdminRespondToAuthChallengeCommand, { ChallengeName: 'SOFTWARE_TOKEN_MFA' })
      .callsFake((input: { ChallengeResponses: Record<string, string> }) => {
        codes.push({
          code: input.ChallengeResponses.SOFTWARE_TOKEN_MFA_CODE ?? '',
          at: clock.now(),
          via: 'mfa',
        });
        return { AuthenticationResult: { IdToken: ID_TOKEN, AccessToken: ACCESS_TOKEN } };
      });
    const result = await run();

    expect(result.rowsByStep['sign in']?.checked).toContain(
      '(NEW_PASSWORD_REQUIRED → MFA_SETUP → SOFTWARE_TOKEN_MFA)',
    );
    // 10 s into the step: 20 s to its end, plus a 1-s margin.
    expect(clock.sleeps[0]).toBe(21_000);
    const [setup, mfa] = codes;
    const period = { period: 30 };
    expect(TOTP.counter({ ...period, timestamp: mfa?.at })).toBe(
      TOTP.counter({ ...period, timestamp: setup?.at }) + 1,
    );
    expect(
      TOTP.validate({
        token: mfa?.code ?? '',
        secret: Secret.fromBase32(TOTP_SECRET),
        timestamp: mfa?.at,
        window: 0,
      }),
    ).toBe(0);
    expect(result.rowsByStep['GET /integrations']?.outcome).toBe('PASS');
  });

  it('never prints a password, token, session or the TOTP secret, even when an answer echoes one', async () => {
    const api = fakeApi({
      'GET /dashboard?days=7': (request) => ({ status: 500, body: { echoed: request.authorization } }),
    });
    cognito.on(AdminDeleteUserCommand).callsFake(() => {
      const created = cognito.commandCalls(AdminCreateUserCommand)[0]?.args[0].input;
      throw Object.assign(
        new Error(`refused for password ${created?.TemporaryPassword} and secret ${TOTP_SECRET}`),
        {
          name: 'NotAuthorizedException',
        },
      );
    });
    const result = await run(api);

    const created = cognito.commandCalls(AdminCreateUserCommand)[0]?.args[0].input;
    const newPassword = cognito.commandCalls(AdminRespondToAuthChallengeCommand)[0]?.args[0].input
      .ChallengeResponses?.NEW_PASSWORD;
    const secrets = [
      created?.TemporaryPassword,
      newPassword,
      TOTP_SECRET,
      ID_TOKEN,
      ACCESS_TOKEN,
      REFRESH_TOKEN,
      ...SESSIONS,
    ];
    expect(secrets.every((secret) => typeof secret === 'string' && secret.length >= 12)).toBe(true);
    for (const secret of secrets) expect(result.output).not.toContain(secret as string);
    // The failures are still reported, with the secrets cut out.
    expect(result.rowsByStep['GET /dashboard?days=7']?.seen).toContain('{"echoed":"Bearer [redacted]"}');
    expect(result.rowsByStep['cleanup: delete test user']?.seen).toBe(
      'NotAuthorizedException: refused for password [redacted] and secret [redacted]',
    );
    expect(result.exitCode).toBe(1);
  });

  it('prints a table with what each step checked and, for a failure, what was seen', async () => {
    const api = fakeApi({ 'GET /health': () => ({ status: 503, body: { message: 'Service Unavailable' } }) });
    const result = await run(api);
    const lines = result.output.split('\n');
    const header = lines.findIndex((line) => /^RESULT {2}STEP +CHECKED$/.test(line));
    expect(header).toBeGreaterThan(0);
    const health = lines.findIndex(
      (line, i) => i > header && /^FAIL {4}GET \/health +200 with status "ok"$/.test(line),
    );
    expect(health).toBeGreaterThan(header);
    expect(lines[health + 1]).toMatch(/^ +seen: 503 application\/json \{"message":"Service Unavailable"\}$/);
    expect(lines.at(-2)).toBe('14 passed, 1 failed, 0 skipped');
    expect(result.exitCode).toBe(1);
  });
});
