import {
  DescribeAlarmHistoryCommand,
  DescribeAlarmsCommand,
  SetAlarmStateCommand,
  type CloudWatchClient,
} from '@aws-sdk/client-cloudwatch';
import { CheckFailed } from './step';

/** How long CloudWatch gets to run the alarm's SNS action, and how often its history is read. */
export const ACTION_WAIT_MS = 60_000;
export const POLL_EVERY_MS = 5_000;
/** History is read from a little before the state was set, so a clock slightly ahead of AWS misses nothing. */
export const CLOCK_ALLOWANCE_MS = 5_000;
export const ALARM_REASON = 'smoke test';

export interface AlarmDeps {
  cloudWatch: CloudWatchClient;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  print: (line: string) => void;
}

export interface AlarmTarget {
  alarmName: string;
  topicArn: string;
}

/**
 * Before touching it: the alarm exists, notifies the topic, and is not already in ALARM (setting ALARM
 * again is no state change, so no action would run, and the alarm is then telling something real).
 */
async function checkAlarmFirst(cloudWatch: CloudWatchClient, target: AlarmTarget): Promise<void> {
  const answer = await cloudWatch.send(new DescribeAlarmsCommand({ AlarmNames: [target.alarmName] }));
  const alarm = answer.MetricAlarms?.[0] ?? answer.CompositeAlarms?.[0];
  if (!alarm) throw new CheckFailed(`alarm ${target.alarmName} does not exist`);
  const actions = alarm.AlarmActions ?? [];
  if (!actions.includes(target.topicArn)) {
    throw new CheckFailed(
      `alarm ${target.alarmName} does not notify ${target.topicArn}; its alarm actions: ${actions.join(', ') || 'none'}`,
    );
  }
  if (alarm.StateValue === 'ALARM') {
    throw new CheckFailed(
      `alarm ${target.alarmName} is already in ALARM (${alarm.StateReason ?? 'no reason'}): setting it again sends nothing; left as it is`,
    );
  }
}

/**
 * Step 7: sets the alarm to ALARM and reads its action history until CloudWatch says the SNS action ran:
 * "Successfully executed action arn:aws:sns:…" passes; "Failed to execute action arn:aws:sns:…" (what a
 * topic policy that does not let CloudWatch publish, or a key CloudWatch may not use, produces) fails
 * with that summary; nothing within ACTION_WAIT_MS fails too. `onSet` is called just before the state
 * is changed, so the caller knows to put it back even when this throws.
 */
export async function fireAlarm(deps: AlarmDeps, target: AlarmTarget, onSet: () => void): Promise<string> {
  const { cloudWatch } = deps;
  await checkAlarmFirst(cloudWatch, target);

  deps.print(
    `  … setting ${target.alarmName} to ALARM: every address subscribed to the alarm topic receives one test notification`,
  );
  const setAt = deps.now();
  onSet();
  await cloudWatch.send(
    new SetAlarmStateCommand({ AlarmName: target.alarmName, StateValue: 'ALARM', StateReason: ALARM_REASON }),
  );

  const deadline = setAt + ACTION_WAIT_MS;
  const seen = new Set<string>();
  for (let poll = 0; poll <= ACTION_WAIT_MS / POLL_EVERY_MS; poll++) {
    await deps.sleep(POLL_EVERY_MS);
    const history = await cloudWatch.send(
      new DescribeAlarmHistoryCommand({
        AlarmName: target.alarmName,
        HistoryItemType: 'Action',
        StartDate: new Date(setAt - CLOCK_ALLOWANCE_MS),
        ScanBy: 'TimestampDescending',
      }),
    );
    for (const item of history.AlarmHistoryItems ?? []) {
      const summary = item.HistorySummary ?? '';
      seen.add(summary);
      if (!summary.includes(target.topicArn)) continue;
      if (summary.startsWith('Failed')) throw new CheckFailed(summary);
      if (summary.startsWith('Successfully executed action')) return summary;
    }
    if (deps.now() >= deadline) break;
  }
  const summaries = [...seen].filter(Boolean);
  throw new CheckFailed(
    `no action history for ${target.topicArn} within ${ACTION_WAIT_MS / 1000} s${summaries.length ? `; seen: ${summaries.join(' | ')}` : ''}`,
  );
}

/** Cleanup: the alarm back to OK (its next evaluation then sets the state the metric says). */
export async function resetAlarm(cloudWatch: CloudWatchClient, alarmName: string): Promise<void> {
  await cloudWatch.send(
    new SetAlarmStateCommand({
      AlarmName: alarmName,
      StateValue: 'OK',
      StateReason: `${ALARM_REASON}: back to OK`,
    }),
  );
}
