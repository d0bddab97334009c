import { addDays, lastDays, toIsoDay } from '../dates';
import { buildDashboard, type Dashboard } from '../dashboard';
import { buildDeveloperUsage, type DeveloperUsage } from '../developers';
import type { Caller } from '../model';
import type { Dependencies } from './dependencies';

function toolName(deps: Dependencies) {
  return (provider: string) =>
    deps.registry.has(provider) ? deps.registry.get(provider).manifest.displayName : provider;
}

/** The team page over the `days` UTC days ending today: O(days × integrations) items read. */
export async function readDashboard(
  caller: Caller,
  days: number,
  deps: Dependencies,
): Promise<Dashboard & { team_id: string }> {
  const today = toIsoDay(deps.clock.now());
  const start = addDays(today, -(days - 1));
  const [rollups, ledger, seats] = await Promise.all([
    deps.usage.getRollups(caller.teamId, start, today),
    deps.usage.getLedger(caller.teamId, start, today),
    deps.usage.getSeats(caller.teamId),
  ]);
  return {
    team_id: caller.teamId,
    ...buildDashboard({ today, days, rollups, ledger, seats, toolName: toolName(deps) }),
  };
}

export async function readDeveloperUsage(
  caller: Caller,
  days: number,
  deps: Dependencies,
): Promise<{
  team_id: string;
  period: { start_date: string; end_date: string; days: number };
  developers: DeveloperUsage[];
}> {
  const today = toIsoDay(deps.clock.now());
  const dates = lastDays(today, days);
  const rows = await deps.usage.getDeveloperDays(caller.teamId, dates);
  return {
    team_id: caller.teamId,
    period: { start_date: dates[0] as string, end_date: today, days },
    developers: buildDeveloperUsage(rows, toolName(deps)),
  };
}
