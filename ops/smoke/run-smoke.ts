import {
  authenticatedSteps,
  checkAsMember,
  checkPublicEndpoints,
  deleteStrayIntegration,
} from './api-checks';
import { ACTION_WAIT_MS, fireAlarm, resetAlarm } from './alarm-check';
import type { SmokeDeps } from './deps';
import { RedactingPrinter } from './redacting-printer';
import { SmokeReport, type StepRow } from './report';
import { signIn } from './sign-in';
import {
  readStackOutputs,
  regionSuffix,
  stackNames,
  statefulOutputs,
  statelessOutputs,
  type SmokeTargets,
} from './stack-outputs';
import { runStep } from './step';
import { formatTable } from './table';
import { createTestUser, deleteTestUser, newTestUser, type TestUser } from './test-user';

export interface SmokeResult {
  rows: StepRow[];
  /** 1 when any row failed, else 0. */
  exitCode: 0 | 1;
}

const keysOf = <T extends object>(value: T) => Object.keys(value) as (keyof T & string)[];

/** Step 1: the outputs of both stacks, one row per stack; undefined when any is missing. */
async function readTargets(deps: SmokeDeps, report: SmokeReport): Promise<SmokeTargets | undefined> {
  const names = stackNames(deps.stage);
  const stateful = await runStep(
    report,
    `outputs of ${names.stateful}`,
    keysOf(statefulOutputs).join(', '),
    () => readStackOutputs(deps.cloudFormation, names.stateful, keysOf(statefulOutputs), deps.stage),
  );
  const stateless = await runStep(
    report,
    `outputs of ${names.stateless}`,
    keysOf(statelessOutputs).join(', '),
    () => readStackOutputs(deps.cloudFormation, names.stateless, keysOf(statelessOutputs), deps.stage),
  );
  if (!stateful.ok || !stateless.ok) return undefined;
  return {
    userPoolId: stateful.value.UserPoolId,
    userPoolClientId: stateful.value.UserPoolClientId,
    apiUrl: stateless.value.ApiUrl,
    alarmTopicArn: stateless.value.AlarmTopicArn,
    smokeAlarmName: stateless.value.SmokeAlarmName,
  };
}

/**
 * The operator's smoke test of a deployed stage (`npm run smoke -- --stage dev`), in order: stack outputs;
 * the public endpoints; a throwaway member in a throwaway team, created without an e-mail; its sign-in
 * through every Cognito challenge (new password, TOTP set-up); the read endpoints and the admin-only
 * connect with its ID token; one alarm fired and its SNS action checked. Whatever it created is removed
 * in a finally, and the removal is reported too. Prints a pass/fail table and never a secret.
 */
export async function runSmoke(deps: SmokeDeps): Promise<SmokeResult> {
  const out = new RedactingPrinter(deps.print);
  const report = new SmokeReport(out);
  const names = stackNames(deps.stage);
  out.line(
    `Smoke test of stage ${deps.stage} (${names.stateful}, ${names.stateless})${await regionSuffix(deps.cloudFormation)}`,
  );

  const targets = await readTargets(deps, report);
  if (!targets) {
    report.skip('everything else', 'API, sign-in, alarm', 'the stacks are needed first; nothing was created');
    return finish(out, report, false);
  }

  let user: TestUser | undefined;
  let idToken: string | undefined;
  let strayIntegrationId: string | undefined;
  let alarmSet = false;
  try {
    await checkPublicEndpoints(report, deps.fetch, targets.apiUrl);

    const planned = newTestUser(deps.random);
    out.keep(planned.temporaryPassword);
    const created = await runStep(
      report,
      'create test user',
      `AdminCreateUser ${planned.email} (team ${planned.teamId}, role member), no e-mail sent`,
      () => createTestUser(deps.cognito, targets.userPoolId, planned),
    );
    if (created.ok) user = created.value;

    if (user) {
      const signedIn = await runStep(
        report,
        'sign in',
        'ADMIN_USER_PASSWORD_AUTH, every challenge answered, an ID token returned',
        () => signIn({ ...deps, out }, targets, user as TestUser),
        (value) => (value.challenges.length ? value.challenges.join(' → ') : 'no challenge'),
      );
      if (signedIn.ok) idToken = signedIn.value.idToken;
    } else {
      report.skip('sign in', 'ADMIN_USER_PASSWORD_AUTH', 'needs the test user');
    }

    if (idToken) {
      ({ strayIntegrationId } = await checkAsMember(report, deps.fetch, targets.apiUrl, idToken));
    } else {
      for (const step of authenticatedSteps) report.skip(step, 'with the ID token', 'needs a signed-in user');
    }

    await runStep(
      report,
      'alarm notification',
      `SetAlarmState ${targets.smokeAlarmName} → ALARM; within ${ACTION_WAIT_MS / 1000} s its history says the SNS action to ${targets.alarmTopicArn} succeeded`,
      () =>
        fireAlarm(
          { ...deps, print: (line) => out.line(line) },
          { alarmName: targets.smokeAlarmName, topicArn: targets.alarmTopicArn },
          () => {
            alarmSet = true;
          },
        ),
    );
  } finally {
    if (strayIntegrationId && idToken) {
      await deleteStrayIntegration(report, deps.fetch, targets.apiUrl, idToken, strayIntegrationId);
    }
    if (user) {
      const created = user;
      await runStep(report, 'cleanup: delete test user', `AdminDeleteUser ${created.email}`, () =>
        deleteTestUser(deps.cognito, targets.userPoolId, created),
      );
    }
    if (alarmSet) {
      await runStep(report, 'cleanup: alarm back to OK', `SetAlarmState ${targets.smokeAlarmName} → OK`, () =>
        resetAlarm(deps.cloudWatch, targets.smokeAlarmName),
      );
    }
  }
  return finish(out, report, alarmSet);
}

function finish(out: RedactingPrinter, report: SmokeReport, alarmFired: boolean): SmokeResult {
  out.line();
  for (const line of formatTable(report.rows)) out.line(line);
  if (alarmFired) {
    out.line('Note: the alarm topic sent one test notification to every subscribed address ("smoke test").');
  }
  return { rows: report.rows, exitCode: report.failures > 0 ? 1 : 0 };
}
