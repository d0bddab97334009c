import { CronExpressionParser } from 'cron-parser';

/**
 * Next firing time of an EventBridge cron expression `cron(min hour day-of-month month day-of-week year)`,
 * evaluated in UTC like EventBridge. The year field is dropped and `?` means "any".
 */
export function nextEventBridgeFire(expression: string, after: Date): Date {
  const match = /^cron\((.+)\)$/.exec(expression.trim());
  if (!match?.[1]) throw new Error(`not an EventBridge cron expression: ${expression}`);
  const fields = match[1].trim().split(/\s+/);
  if (fields.length !== 6) throw new Error(`EventBridge cron needs 6 fields: ${expression}`);
  const [minute, hour, dayOfMonth, month, dayOfWeek] = fields.map((field) => (field === '?' ? '*' : field));
  const cron = CronExpressionParser.parse(`${minute} ${hour} ${dayOfMonth} ${month} ${dayOfWeek}`, {
    currentDate: after,
    tz: 'UTC',
  });
  return cron.next().toDate();
}
