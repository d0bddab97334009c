import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The format of the local run's stored data. Raise it when stored items can no longer be read as they
 * are (format 2: provider ids became `claude_code` / `github_copilot`; format 3: per-person identity blocks
 * and day attributions, which older stored days lack; format 4: a day's sums in its ledger entry and breakdowns in
 * breakdown blocks, in place of daily rollups; format 5: month items of the ledger and of the day attributions, which
 * the dashboard reads; format 6: telemetry series kept per developer-day, which a rebuild reads, in place of one item
 * per series, and a time to live on the Usage table).
 */
export const LOCAL_DATA_FORMAT = 6;

const FORMAT_FILE = 'format.json';
/** What an older format leaves behind that cannot be carried over. */
const REBUILT = ['dynamodb', 'secrets.json'];

/**
 * Makes the local data folder current. Data of an older format is rebuilt, not migrated: a fresh backfill
 * writes everything the current format holds, from the providers' answers, in a minute. The tables and sealed keys are removed (the demo team is connected and
 * backfilled again on this start); the token signing keys and the secret store's key stay, so tokens
 * already handed out keep working. Returns what was done, for the start-up output.
 */
export function prepareLocalData(dir: string): 'new' | 'current' | 'rebuilt' {
  mkdirSync(dir, { recursive: true });
  const formatFile = join(dir, FORMAT_FILE);
  const stored = existsSync(formatFile)
    ? (JSON.parse(readFileSync(formatFile, 'utf8')) as { format?: number }).format
    : undefined;
  if (stored !== undefined && stored > LOCAL_DATA_FORMAT) {
    throw new Error(
      `${dir} holds data of a newer format (${stored}) than this checkout reads (${LOCAL_DATA_FORMAT}); ` +
        'use the newer checkout, or delete the folder to start over.',
    );
  }
  const hasData = REBUILT.some((name) => existsSync(join(dir, name)));
  let outcome: 'new' | 'current' | 'rebuilt' = hasData ? 'current' : 'new';
  if (hasData && stored !== LOCAL_DATA_FORMAT) {
    for (const name of REBUILT) rmSync(join(dir, name), { recursive: true, force: true });
    outcome = 'rebuilt';
  }
  writeFileSync(formatFile, JSON.stringify({ format: LOCAL_DATA_FORMAT }));
  return outcome;
}
