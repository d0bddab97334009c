import { ProvisionedThroughputExceededException, ThrottlingException } from '@aws-sdk/client-dynamodb';
import { addDays, daysBetween } from '../../functions/domain/dates';
import type { SyncJob } from '../../functions/domain/model';
import type { ProviderManifest } from '../../functions/domain/provider-manifest';
import { dailyDates } from '../../functions/domain/sync-plan';
import { manifestCatalog } from '../../functions/providers/manifests';
import { DEMO_ANTHROPIC_ADMIN_KEY } from '../../local/fakes/claude-code';
import { CURSOR_PATHS, DEMO_CURSOR_KEY } from '../../local/fakes/cursor';
import { DEMO_ENTERPRISE_ANALYTICS_KEY, ENTERPRISE_PATHS } from '../../local/fakes/claude-enterprise';
import { DEMO_GITHUB_TOKEN } from '../../local/fakes/github-copilot';
import { startPipeline, type TestPipeline } from '../helpers/pipeline';
import { storageFaults, type StorageFault, type StorageWrite } from '../helpers/storage-faults';

/**
 * Provider and storage faults never lose or double a stored day. For every provider × fault, a short backfill
 * runs through the real pipeline (local runtime: in-process queue, the fetcher and scheduler handlers; DynamoDB
 * Local; the fake provider over HTTP with its fault injector) and is compared with a fault-free run of the same
 * fake data through the stored developer rows (getDeveloperDays), the ledger (getLedger: state, reason,
 * developers, interactions; attempts reported) and GET /dashboard through the local gateway. Either it stored
 * the same, or every day that differs is `failed` with its reason (or `pending`, behind a job that stopped),
 * holds no rows or exactly the fault-free rows, and is drawn as such; then, the fault cleared, the next daily run
 * (the scheduler, a day later; a refused key: after a new key is connected) stores what the fault-free run's
 * daily run stored. A failed day's reason repeats nothing the provider said of people (e-mails, logins, names).
 * Some faults pin their cells: a body damaged once is read again within the job (the fault-free run's days); JSON
 * of another shape twice fails its days with a reason naming the provider and where. The four providers run side
 * by side, each on its own tables, fakes and runtime. The table of outcomes is printed at the end.
 */
// A Friday: the backfilled days are weekdays, when the fakes' developers work.
const NOW = '2026-06-19T12:00:00Z';
const TODAY = '2026-06-19';
const TEAM = 'team-faults';
const BACKFILL_DAYS = 3;
/** The days compared: every day a backfill or the daily run after it may store. */
const WINDOW = daysBetween(addDays(TODAY, -7), TODAY);
/** The client's 30 s timeout, shortened for the timeout fault (as startPipeline shortens retry waits). */
const CLIENT_TIMEOUT_MS = 500;
/** How long the fake holds a slow answer: longer than the client waits. */
const SLOW_ANSWER_MS = 2_000;

type Provider = 'claude_code' | 'github_copilot' | 'cursor' | 'claude_enterprise';
const PROVIDERS: Provider[] = ['claude_code', 'github_copilot', 'cursor', 'claude_enterprise'];

/** A second key of the same provider account: what a team connects once the first was revoked. */
const KEYS: Record<Provider, { first: string; second: string }> = {
  claude_code: {
    first: DEMO_ANTHROPIC_ADMIN_KEY,
    second: `sk-ant-admin01-${'SecondLocalFakeKey'.repeat(3)}`,
  },
  github_copilot: { first: DEMO_GITHUB_TOKEN, second: `ghp_${'S3cond'.repeat(6)}` },
  cursor: { first: DEMO_CURSOR_KEY, second: `crsr_${'S3cond'.repeat(10)}S3co` },
  claude_enterprise: {
    first: DEMO_ENTERPRISE_ANALYTICS_KEY,
    second: `sk-ant-api01-${'SecondEnterpriseKey'.repeat(3)}`,
  },
};

/** A scenario's moving parts. */
interface Run {
  provider: Provider;
  pipeline: TestPipeline;
  admin: string;
  /** The backfill's days, oldest first. */
  days: string[];
  /** Seen by the provider context's fetch before each provider request (e.g. to revoke the key there). */
  beforeRequest?: (url: URL) => void;
  /** Set: provider requests give up after this long (the fake's slow answers outlast it). */
  clientTimeoutMs?: number;
  /** Provider requests the client gave up on (its timeout struck). */
  timeouts: number;
  /** Set once the provider is asked for usage: writes from then on are the fetcher's, not the connect's. */
  fetching: boolean;
}

/** How a fault is made for one provider. */
interface Injection {
  /** What is injected, for the table. */
  how: string;
  inject(run: Run): void | Promise<void>;
  /** Whether the fault really happened (a scenario whose fault never fired proves nothing). */
  fired(run: Run): boolean;
  /** After the backfill, before anything is compared (e.g. a late duplicate delivery). */
  afterBackfill?(run: Run): Promise<void>;
  /** Lifts the fault before the daily run; default: the fake's fault queue and the storage rules cleared. */
  clear?(run: Run): void;
  /** A refused key is not retried by daily runs: the team connects a new key first. */
  repairedBy?: 'reconnect';
}

type Catalogue = Record<Provider, Injection | { na: string }>;

// ---------------------------------------------------------------------------------------------
// Reading the fakes
// ---------------------------------------------------------------------------------------------

const fakeFaults = (run: Run) =>
  run.provider === 'claude_code'
    ? run.pipeline.fake.faults
    : run.provider === 'github_copilot'
      ? run.pipeline.github.faults
      : run.provider === 'cursor'
        ? run.pipeline.cursor.faults
        : run.pipeline.enterprise.faults;

/** A fake fault (of any provider) that fired as often as it was queued for. */
const firedAll = (run: Run) => fakeFaults(run).pending() === 0;
/** A fault queued until cleared that met at least one request. */
const statusesSeen = (run: Run, status: number) => {
  const { provider, pipeline } = run;
  const requests: readonly { status: number }[] =
    provider === 'claude_code'
      ? pipeline.fake.requests
      : provider === 'github_copilot'
        ? pipeline.github.requests
        : provider === 'cursor'
          ? pipeline.cursor.requests
          : pipeline.enterprise.requests;
  return requests.some((request) => request.status === status);
};

const CLAUDE_USAGE = '/v1/organizations/usage_report/claude_code';
const COPILOT_USERS = '/copilot/metrics/reports/users-1-day';
/** Claude Enterprise: one `users` request per day with Claude Code users (`date=`), where day faults strike. */
const ENTERPRISE_USERS = ENTERPRISE_PATHS.users;
const enterpriseDay = (run: Run) => ({ pathPrefix: ENTERPRISE_USERS, date: second(run) });

/** The second day of the backfill: where faults that name a day strike (a day before it is stored). */
const second = (run: Run) => run.days[1] as string;

/** A run's storage rule. */
const storage = new Map<Run, StorageFault>();
const usageWrite = (run: Run, write: StorageWrite) =>
  write.tables.includes(run.pipeline.tableNames.USAGE_TABLE as string);

function throttle(times: (run: Run) => Promise<number>, error: () => Error, how: string): Injection {
  return {
    how,
    async inject(run) {
      const day = second(run);
      storage.set(
        run,
        storageFaults(run.pipeline.runtime).add({
          retried: true,
          times: await times(run),
          error,
          matches: (write) => run.fetching && usageWrite(run, write) && write.text.includes(day),
        }),
      );
    },
    fired: (run) => (storage.get(run)?.hits ?? 0) > 0,
  };
}

function crashBetweenWrites(): Injection {
  return {
    how: "day 2's final transaction (its ledger entry) throws once, after its rows were batch-written",
    inject(run) {
      const day = second(run);
      let rowsWritten = false;
      storage.set(
        run,
        storageFaults(run.pipeline.runtime).add({
          retried: false,
          times: 1,
          error: () => new Error('simulated crash between the rows and the day transaction'),
          matches(write) {
            if (!run.fetching || !usageWrite(run, write) || !write.text.includes(day)) return false;
            if (write.command === 'BatchWriteItemCommand') rowsWritten = true;
            return rowsWritten && write.command === 'TransactWriteItemsCommand';
          },
        }),
      );
    },
    fired: (run) => (storage.get(run)?.hits ?? 0) > 0,
  };
}

/** Every job the backfill queues is delivered twice at once, and once more after the queue ran dry. */
function duplicateDelivery(): Injection {
  const jobs = new Map<Run, SyncJob[]>();
  return {
    how: 'each backfill job sent twice at once, then once more after the queue drained',
    inject(run) {
      const queue = run.pipeline.runtime.queue;
      const enqueue = queue.enqueue.bind(queue);
      jobs.set(run, []);
      queue.enqueue = async (provider, batch) => {
        jobs.get(run)?.push(...batch);
        await enqueue(provider, batch);
        await enqueue(provider, batch);
      };
    },
    async afterBackfill(run) {
      const queue = run.pipeline.runtime.queue;
      delete (queue as { enqueue?: unknown }).enqueue;
      for (const job of jobs.get(run) ?? []) await queue.redeliver(run.provider, job);
      await queue.drain();
    },
    fired: (run) => (jobs.get(run)?.length ?? 0) > 0,
  };
}

/** The key is revoked at the provider just before the request named by `at`; the team then connects a new one. */
function revokedHalfway(how: string, at: (run: Run, url: URL) => boolean): Injection {
  const revoked = new Set<Run>();
  return {
    how,
    inject(run) {
      run.beforeRequest = (url) => {
        if (revoked.has(run) || !at(run, url)) return;
        revoked.add(run);
        const key = KEYS[run.provider].first;
        if (run.provider === 'claude_code') run.pipeline.fake.revokeKey(key);
        else if (run.provider === 'github_copilot') run.pipeline.github.revokeToken(key);
        else if (run.provider === 'cursor') run.pipeline.cursor.revokeKey(key);
        else run.pipeline.enterprise.revokeKey(key);
      };
    },
    fired: (run) => revoked.has(run),
    clear: () => undefined,
    repairedBy: 'reconnect',
  };
}

function slowAnswer(how: string, add: (run: Run) => void): Injection {
  return {
    how,
    inject(run) {
      run.clientTimeoutMs = CLIENT_TIMEOUT_MS;
      add(run);
    },
    // The slow answer was sent for, and the client gave up on it (then asked again).
    fired: (run) => firedAll(run) && run.timeouts > 0,
  };
}

// ---------------------------------------------------------------------------------------------
// The faults
// ---------------------------------------------------------------------------------------------

const NO_LINKS = (name: string) =>
  `${name} answers usage inline in its JSON pages; it hands out no download links that could expire`;

/**
 * What a fault's cells must show, where it is pinned: `same` — stored as the fault-free run stored; `failed` —
 * the days it touched failed with a reason of this pattern, then were repaired.
 */
type Pinned = { kind: 'same' } | { kind: 'failed'; reason: RegExp };

const FAULTS: { name: string; providers: Catalogue; pinned?: Pinned }[] = [
  {
    name: '429 with retry-after',
    providers: {
      claude_code: {
        how: '429, retry-after 120 s (over the 60 s a fetcher waits), once, on day 2',
        inject: (run) =>
          run.pipeline.fake.faults.add({ status: 429, retryAfterSeconds: 120, date: second(run) }),
        fired: firedAll,
      },
      github_copilot: {
        how: '429, retry-after 120 s, once, on the users report of day 2',
        inject: (run) =>
          run.pipeline.github.faults.add({
            kind: 'status',
            status: 429,
            retryAfterSeconds: 120,
            path: COPILOT_USERS,
            day: second(run),
          }),
        fired: firedAll,
      },
      cursor: {
        how: '429, retry-after 120 s, once, on the daily usage call',
        inject: (run) =>
          run.pipeline.cursor.faults.add({
            status: 429,
            retryAfterSeconds: 120,
            pathPrefix: CURSOR_PATHS.dailyUsage,
          }),
        fired: firedAll,
      },
      claude_enterprise: {
        how: '429, retry-after 120 s, once, on the users request of day 2',
        inject: (run) =>
          run.pipeline.enterprise.faults.add({ status: 429, retryAfterSeconds: 120, ...enterpriseDay(run) }),
        fired: firedAll,
      },
    },
  },
  {
    name: '429 without retry-after',
    providers: {
      claude_code: {
        how: '429 without retry-after, 3 answers in a row, on day 2',
        inject: (run) =>
          run.pipeline.fake.faults.add({ status: 429, retryAfterSeconds: null, date: second(run), times: 3 }),
        fired: firedAll,
      },
      github_copilot: {
        how: 'primary rate limit (429, x-ratelimit-remaining 0 + reset, no retry-after), 3 answers, day 2',
        inject: (run) =>
          run.pipeline.github.faults.add({
            kind: 'status',
            status: 429,
            rateLimit: 'primary',
            retryAfterSeconds: 1,
            path: COPILOT_USERS,
            day: second(run),
            times: 3,
          }),
        fired: firedAll,
      },
      cursor: {
        how: '429 without retry-after (as Cursor sends them), 3 answers, on the daily usage call',
        inject: (run) =>
          run.pipeline.cursor.faults.add({ status: 429, pathPrefix: CURSOR_PATHS.dailyUsage, times: 3 }),
        fired: firedAll,
      },
      claude_enterprise: {
        how: '429 without retry-after, 3 answers in a row, on the users request of day 2',
        inject: (run) =>
          run.pipeline.enterprise.faults.add({
            status: 429,
            retryAfterSeconds: null,
            times: 3,
            ...enterpriseDay(run),
          }),
        fired: firedAll,
      },
    },
  },
  {
    name: '5xx',
    providers: {
      claude_code: {
        how: '500 on every request for day 2 until cleared',
        inject: (run) => run.pipeline.fake.faults.add({ status: 500, date: second(run), times: Infinity }),
        fired: (run) => statusesSeen(run, 500),
      },
      github_copilot: {
        how: '503 on every users report of day 2 until cleared',
        inject: (run) =>
          run.pipeline.github.faults.add({
            kind: 'status',
            status: 503,
            path: COPILOT_USERS,
            day: second(run),
            times: Infinity,
          }),
        fired: (run) => statusesSeen(run, 503),
      },
      cursor: {
        how: '503 on every usage events call until cleared (the job asks for all its days at once)',
        inject: (run) =>
          run.pipeline.cursor.faults.add({
            status: 503,
            pathPrefix: CURSOR_PATHS.usageEvents,
            times: Infinity,
          }),
        fired: (run) => statusesSeen(run, 503),
      },
      claude_enterprise: {
        how: '500 on every users request of day 2 until cleared',
        inject: (run) =>
          run.pipeline.enterprise.faults.add({ status: 500, times: Infinity, ...enterpriseDay(run) }),
        fired: (run) => statusesSeen(run, 500),
      },
    },
  },
  {
    name: '529 overloaded',
    providers: {
      claude_code: {
        how: '529 overloaded_error, 2 answers in a row, on day 2',
        inject: (run) => run.pipeline.fake.faults.add({ status: 529, date: second(run), times: 2 }),
        fired: firedAll,
      },
      github_copilot: {
        how: '529, 2 answers, on the users report of day 2 (GitHub documents none: a gateway may send it)',
        inject: (run) =>
          run.pipeline.github.faults.add({
            kind: 'status',
            status: 529,
            path: COPILOT_USERS,
            day: second(run),
            times: 2,
          }),
        fired: firedAll,
      },
      cursor: {
        how: '529, 2 answers, on the usage events call (Cursor documents none: a gateway may send it)',
        inject: (run) =>
          run.pipeline.cursor.faults.add({ status: 529, pathPrefix: CURSOR_PATHS.usageEvents, times: 2 }),
        fired: firedAll,
      },
      claude_enterprise: {
        how: '529 overloaded_error, 2 answers in a row, on the users request of day 2',
        inject: (run) => run.pipeline.enterprise.faults.add({ status: 529, times: 2, ...enterpriseDay(run) }),
        fired: firedAll,
      },
    },
  },
  {
    name: 'timeout',
    providers: {
      claude_code: slowAnswer(
        `day 2 answered after ${SLOW_ANSWER_MS} ms, once; the client gives up after ${CLIENT_TIMEOUT_MS} ms`,
        (run) => run.pipeline.fake.faults.add({ delayMs: SLOW_ANSWER_MS, date: second(run) }),
      ),
      github_copilot: slowAnswer(
        `the users report of day 2 answered after ${SLOW_ANSWER_MS} ms, once; client timeout ${CLIENT_TIMEOUT_MS} ms`,
        (run) =>
          run.pipeline.github.faults.add({
            kind: 'slow',
            delayMs: SLOW_ANSWER_MS,
            path: COPILOT_USERS,
            day: second(run),
          }),
      ),
      cursor: slowAnswer(
        `the daily usage call answered after ${SLOW_ANSWER_MS} ms, once; client timeout ${CLIENT_TIMEOUT_MS} ms`,
        (run) =>
          run.pipeline.cursor.faults.add({ delayMs: SLOW_ANSWER_MS, pathPrefix: CURSOR_PATHS.dailyUsage }),
      ),
      claude_enterprise: slowAnswer(
        `the users request of day 2 answered after ${SLOW_ANSWER_MS} ms, once; client timeout ${CLIENT_TIMEOUT_MS} ms`,
        (run) => run.pipeline.enterprise.faults.add({ delayMs: SLOW_ANSWER_MS, ...enterpriseDay(run) }),
      ),
    },
  },
  {
    name: 'malformed JSON',
    // A body that is not JSON is asked again within the job (the client's backoff, three reads at most).
    pinned: { kind: 'same' },
    providers: {
      claude_code: {
        how: 'the answer for day 2 is not JSON (a bare word after its first brace), once',
        inject: (run) => run.pipeline.fake.faults.add({ damage: 'malformed', date: second(run) }),
        fired: firedAll,
      },
      github_copilot: {
        how: 'one line of the next report file is not JSON (bad_line), once',
        inject: (run) => run.pipeline.github.faults.add({ kind: 'bad_line' }),
        fired: firedAll,
      },
      cursor: {
        how: 'the daily usage answer is not JSON, once',
        inject: (run) =>
          run.pipeline.cursor.faults.add({ damage: 'malformed', pathPrefix: CURSOR_PATHS.dailyUsage }),
        fired: firedAll,
      },
      claude_enterprise: {
        how: 'the users answer of day 2 is not JSON, once',
        inject: (run) => run.pipeline.enterprise.faults.add({ damage: 'malformed', ...enterpriseDay(run) }),
        fired: firedAll,
      },
    },
  },
  {
    name: 'truncated file / body',
    pinned: { kind: 'same' },
    providers: {
      claude_code: {
        how: 'the JSON answer for day 2 cut short half way (sent as complete), once',
        inject: (run) => run.pipeline.fake.faults.add({ damage: 'truncated', date: second(run) }),
        fired: firedAll,
      },
      github_copilot: {
        how: 'the next NDJSON report download cut off mid-record, once',
        inject: (run) => run.pipeline.github.faults.add({ kind: 'truncated_file' }),
        fired: firedAll,
      },
      cursor: {
        how: 'the usage events answer cut short half way, once',
        inject: (run) =>
          run.pipeline.cursor.faults.add({ damage: 'truncated', pathPrefix: CURSOR_PATHS.usageEvents }),
        fired: firedAll,
      },
      claude_enterprise: {
        how: 'the users answer of day 2 cut short half way (sent as complete), once',
        inject: (run) => run.pipeline.enterprise.faults.add({ damage: 'truncated', ...enterpriseDay(run) }),
        fired: firedAll,
      },
    },
  },
  {
    name: 'JSON of another shape',
    // Asked once more, not more (a schema does not fix itself): twice fails the day, with a reason that names
    // the provider and where the answer differs, never a value of it.
    pinned: {
      kind: 'failed',
      reason: /^The [A-Z][\w ]+ API answered a body this version does not read 2 times in a row \(/,
    },
    providers: {
      claude_code: {
        how: 'the answer for day 2 is JSON whose first record is a number, twice in a row',
        inject: (run) => run.pipeline.fake.faults.add({ damage: 'misshapen', date: second(run), times: 2 }),
        fired: firedAll,
      },
      github_copilot: {
        how: 'one line of the next two report files is JSON of another shape (misshapen_line)',
        inject: (run) => run.pipeline.github.faults.add({ kind: 'misshapen_line', times: 2 }),
        fired: firedAll,
      },
      cursor: {
        how: 'the daily usage answer is JSON whose first row is a number, twice in a row',
        inject: (run) =>
          run.pipeline.cursor.faults.add({
            damage: 'misshapen',
            pathPrefix: CURSOR_PATHS.dailyUsage,
            times: 2,
          }),
        fired: firedAll,
      },
      claude_enterprise: {
        how: 'the users answer of day 2 is JSON whose first row is a number, twice in a row',
        inject: (run) =>
          run.pipeline.enterprise.faults.add({ damage: 'misshapen', times: 2, ...enterpriseDay(run) }),
        fired: firedAll,
      },
    },
  },
  {
    name: 'expired link',
    providers: {
      claude_code: { na: NO_LINKS("Anthropic's Admin API") },
      github_copilot: {
        how: 'the next report call hands out signed links that have already expired, once',
        inject: (run) => run.pipeline.github.faults.add({ kind: 'expired_link' }),
        fired: firedAll,
      },
      cursor: { na: NO_LINKS("Cursor's Admin API") },
      claude_enterprise: { na: NO_LINKS('The Enterprise Analytics API') },
    },
  },
  {
    name: '401 halfway through the backfill',
    providers: {
      claude_code: revokedHalfway(
        'the key revoked after days 1–2 were fetched (before day 3 is asked)',
        (run, url) =>
          url.pathname === CLAUDE_USAGE &&
          (url.searchParams.get('starting_at') ?? '').startsWith(run.days[2] as string),
      ),
      github_copilot: revokedHalfway(
        'the token revoked after days 1–2 were fetched (before day 3 is asked)',
        (run, url) => url.pathname.endsWith(COPILOT_USERS) && url.searchParams.get('day') === run.days[2],
      ),
      cursor: revokedHalfway(
        'the key revoked after the daily usage of all 3 days was fetched, before their usage events',
        (_run, url) => url.pathname === CURSOR_PATHS.usageEvents,
      ),
      claude_enterprise: revokedHalfway(
        'the key revoked after days 1–2 were fetched (before day 3 is asked)',
        (run, url) => url.pathname === ENTERPRISE_USERS && url.searchParams.get('date') === run.days[2],
      ),
    },
  },
  {
    name: 'duplicate delivery',
    providers: {
      claude_code: duplicateDelivery(),
      github_copilot: duplicateDelivery(),
      cursor: duplicateDelivery(),
      claude_enterprise: duplicateDelivery(),
    },
  },
  {
    name: 'crash between two writes',
    providers: {
      claude_code: crashBetweenWrites(),
      github_copilot: crashBetweenWrites(),
      cursor: crashBetweenWrites(),
      claude_enterprise: crashBetweenWrites(),
    },
  },
  ...(['once', 'repeatedly'] as const).map((mode) => {
    const injection =
      mode === 'once'
        ? throttle(
            async () => 1,
            () =>
              new ProvisionedThroughputExceededException({
                message: 'The level of configured provisioned throughput for the table was exceeded.',
                $metadata: { httpStatusCode: 400 },
              }),
            'ProvisionedThroughputExceededException on the first write of day 2, once (the SDK retries it)',
          )
        : throttle(
            (run) => storageFaults(run.pipeline.runtime).maxAttempts(),
            () =>
              new ThrottlingException({
                message: 'Rate of requests exceeds the allowed throughput.',
                $metadata: { httpStatusCode: 400 },
              }),
            "ThrottlingException on the first write of day 2 at every one of the SDK's attempts, so the write fails",
          );
    return {
      name: `DynamoDB throttling, ${mode}`,
      providers: {
        claude_code: injection,
        github_copilot: injection,
        cursor: injection,
        claude_enterprise: injection,
      },
    };
  }),
];

// ---------------------------------------------------------------------------------------------
// One run: backfill → what it stored → the fault cleared → the next daily run → what is stored then
// ---------------------------------------------------------------------------------------------

/** The request that starts a provider's usage fetch (connect's own requests come before it). */
const USAGE_REQUEST: Record<Provider, (url: URL) => boolean> = {
  claude_code: (url) => url.pathname === CLAUDE_USAGE,
  github_copilot: (url) => url.pathname.endsWith(COPILOT_USERS),
  cursor: (url) => url.pathname === CURSOR_PATHS.dailyUsage,
  // Not `summaries`: connect's live check reads them too.
  claude_enterprise: (url) => url.pathname === ENTERPRISE_USERS,
};

/** The ledger as compared: attempts are kept apart (a failed try counts one more, by design). */
interface Day {
  state: string;
  reason?: string;
  developers: number;
  interactions: number;
  attempts: number;
  /** The day's developer rows, as stored, in key order. */
  rows: string;
}

interface Snapshot {
  days: Map<string, Day>;
  dashboard: Record<string, unknown>;
  status: string;
}

async function snapshot(run: Run, dashboardDays: number): Promise<Snapshot> {
  const { usage } = run.pipeline.runtime.ports;
  const ledger = await usage.getLedger(TEAM, WINDOW[0] as string, WINDOW.at(-1) as string);
  const rows = await usage.getDeveloperDays(TEAM, WINDOW);
  const days = new Map<string, Day>();
  for (const entry of ledger) {
    const dayRows = rows
      .filter((row) => row.date === entry.date)
      .sort((a, b) => a.developer.key.localeCompare(b.developer.key));
    days.set(entry.date, {
      state: entry.state,
      ...(entry.reason ? { reason: entry.reason } : {}),
      developers: entry.developers,
      interactions: entry.interactions,
      attempts: entry.attempts,
      rows: JSON.stringify(dayRows),
    });
  }
  // Rows of a day the ledger does not know would be a day half stored: kept, to be compared.
  for (const date of new Set(rows.map((row) => row.date))) {
    if (!days.has(date)) {
      days.set(date, {
        state: 'absent',
        developers: 0,
        interactions: 0,
        attempts: 0,
        rows: 'rows without a ledger entry',
      });
    }
  }
  const response = await run.pipeline.call('GET', `/dashboard?days=${dashboardDays}`, { token: run.admin });
  expect(response.status).toBe(200);
  // The dashboard counts the days it draws, and no others (a day half stored is in neither).
  const drawn = (response.body.heatmap_data as { count: number }[]).reduce((sum, day) => sum + day.count, 0);
  expect({ provider: run.provider, total: response.body.total_interactions }).toEqual({
    provider: run.provider,
    total: drawn,
  });
  const integrations = await run.pipeline.call('GET', '/integrations', { token: run.admin });
  const [integration] = integrations.body.integrations as { status: string }[];
  return { days, dashboard: response.body, status: String(integration?.status) };
}

/** Every compared field but attempts. */
const sameDay = (a: Day | undefined, b: Day | undefined) =>
  a !== undefined &&
  b !== undefined &&
  a.state === b.state &&
  a.reason === b.reason &&
  a.developers === b.developers &&
  a.interactions === b.interactions &&
  a.rows === b.rows;

const dates = (snap: Snapshot, other: Snapshot) =>
  [...new Set([...snap.days.keys(), ...other.days.keys()])].sort();

interface RunResult {
  afterBackfill: Snapshot;
  /** Only when the backfill did not store what the fault-free run stored. */
  afterDaily?: Snapshot;
  /** Integrations and repair days the daily run scheduled. */
  daily?: { integrations: number; repairs: number };
  /** A refused key: what a daily run scheduled before a new key was connected. */
  dailyBeforeReconnect?: { integrations: number; repairs: number };
  provider: Provider;
  days: string[];
}

/** Every compared day and the whole dashboard answer. */
const sameSnapshot = (a: Snapshot, b: Snapshot) =>
  dates(a, b).every((date) => sameDay(a.days.get(date), b.days.get(date))) &&
  JSON.stringify(a.dashboard) === JSON.stringify(b.dashboard);

/**
 * Backfill with the fault → what is stored. If that is not what the fault-free run stored: the fault cleared (a
 * refused key: a new key connected), the next daily run a day later → what is stored then.
 */
async function runOnce(provider: Provider, injection?: Injection, reference?: RunResult): Promise<RunResult> {
  const run = { provider, fetching: false, timeouts: 0 } as Run;
  const pipeline = await startPipeline({
    now: NOW,
    fake: {
      developers: 4,
      apiKeyActors: 1,
      historyDays: 30,
      seed: 'faults',
      adminKeys: [KEYS.claude_code.first, KEYS.claude_code.second],
    },
    github: {
      developers: 6,
      historyDays: 30,
      seed: 'faults',
      tokens: [KEYS.github_copilot.first, KEYS.github_copilot.second],
    },
    cursor: {
      developers: 5,
      historyDays: 30,
      seed: 'faults',
      apiKeys: [KEYS.cursor.first, KEYS.cursor.second],
    },
    enterprise: {
      seed: 'faults',
      seatUsers: 6,
      apiKeys: [KEYS.claude_enterprise.first, KEYS.claude_enterprise.second],
    },
    providerContext: {
      fetch: (input, init) => {
        const url = new URL(input instanceof Request ? input.url : String(input));
        if (USAGE_REQUEST[provider](url)) run.fetching = true;
        run.beforeRequest?.(url);
        if (run.clientTimeoutMs === undefined) return fetch(input, init);
        const timeout = AbortSignal.timeout(run.clientTimeoutMs);
        const signal = AbortSignal.any([timeout, ...(init?.signal ? [init.signal] : [])]);
        return fetch(input, { ...init, signal }).catch((error: unknown) => {
          if (timeout.aborted) run.timeouts++;
          throw error;
        });
      },
    },
  });
  run.pipeline = pipeline;
  try {
    run.admin = await pipeline.token(TEAM, 'admin');
    const connect = async (key: string) => {
      const response = await pipeline.call('POST', '/connect', {
        token: run.admin,
        body: {
          provider,
          api_key: key,
          backfill_days: BACKFILL_DAYS,
          ...(provider === 'github_copilot' ? { org: 'demo-org' } : {}),
        },
      });
      expect([200, 201]).toContain(response.status);
      const backfill = response.body.backfill as { start_date: string; end_date: string };
      return daysBetween(backfill.start_date, backfill.end_date);
    };
    // Copilot's reports and the Enterprise API's days are published two days back by this hour.
    const newest =
      provider === 'github_copilot' || provider === 'claude_enterprise'
        ? addDays(TODAY, -2)
        : addDays(TODAY, -1);
    run.days = daysBetween(addDays(newest, -(BACKFILL_DAYS - 1)), newest);
    await injection?.inject(run);
    expect(await connect(KEYS[provider].first)).toEqual(run.days);
    await pipeline.runtime.queue.drain();
    await injection?.afterBackfill?.(run);
    if (injection) expect(injection.fired(run)).toBe(true);
    const afterBackfill = await snapshot(run, 6);
    const result: RunResult = { afterBackfill, provider, days: run.days };
    if (injection && reference && sameSnapshot(afterBackfill, reference.afterBackfill)) return result;

    if (injection?.clear) injection.clear(run);
    else fakeFaults(run).clear();
    storage.get(run)?.remove();
    run.clientTimeoutMs = undefined;
    if (injection?.repairedBy === 'reconnect') {
      const [skipped] = await pipeline.runtime.schedule(provider);
      await pipeline.runtime.queue.drain();
      result.dailyBeforeReconnect = {
        integrations: skipped?.integrations ?? -1,
        repairs: skipped?.repairs ?? -1,
      };
      expect(await connect(KEYS[provider].second)).toEqual(run.days);
      await pipeline.runtime.queue.drain();
    }
    pipeline.clock.advance(24 * 3600);
    const [daily] = await pipeline.runtime.schedule(provider);
    await pipeline.runtime.queue.drain();
    result.daily = { integrations: daily?.integrations ?? -1, repairs: daily?.repairs ?? -1 };
    result.afterDaily = await snapshot(run, 7);
    return result;
  } finally {
    storage.get(run)?.remove();
    await pipeline.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Outcomes
// ---------------------------------------------------------------------------------------------

interface Outcome {
  provider: Provider;
  fault: string;
  how: string;
  kind: 'same' | 'repaired' | 'na';
  text: string;
  /** The reasons of the days that failed. */
  reasons?: string[];
}

/**
 * What the provider's answers said of people, as the fault-free run stored it (e-mails, logins, names, keys of
 * six characters or more): a day's reason must repeat none of it.
 */
function providerValues(reference: RunResult): string[] {
  const values = new Set<string>();
  for (const snap of [reference.afterBackfill, reference.afterDaily]) {
    for (const day of snap?.days.values() ?? []) {
      for (const row of JSON.parse(day.rows) as { developer: Record<string, unknown> }[]) {
        for (const field of ['key', 'email', 'login', 'display_name']) {
          const value = row.developer[field];
          if (typeof value === 'string' && value.length >= 6) values.add(value);
        }
      }
    }
  }
  return [...values];
}

const short = (text: string, length = 110) =>
  (text.length > length ? `${text.slice(0, length - 1)}…` : text).replace(/\|/g, '\\|').replace(/\s+/g, ' ');

const heatmap = (snap: Snapshot) =>
  new Map(
    (snap.dashboard.heatmap_data as { date: string; count: number; state: string }[]).map((day) => [
      day.date,
      day,
    ]),
  );

/**
 * Checks a faulty run against the fault-free one and words the outcome. After the backfill each day is the
 * fault-free run's, or failed with a reason, or pending (a job that stopped before it): never another state,
 * never rows that differ from the fault-free run's unless there are none, never drawn as a day with figures.
 * Then, after the daily run (or a new key), all is the fault-free run's.
 */
function judge(
  reference: RunResult,
  result: RunResult,
  injection: Injection,
): Pick<Outcome, 'kind' | 'text' | 'reasons'> {
  const before = result.afterBackfill;
  const attemptsNote = (snap: Snapshot, expected: Snapshot) => {
    const extra = [...snap.days]
      .map(([date, day]) => ({ date, attempts: day.attempts, expected: expected.days.get(date)?.attempts }))
      .filter((day) => day.attempts !== day.expected)
      .map((day) => `${label(day.date)}: ${day.attempts} attempts, fault-free ${day.expected}`);
    return extra.length ? ` (${extra.join('; ')})` : '';
  };
  const label = (date: string) =>
    result.days.includes(date) ? `day ${result.days.indexOf(date) + 1}` : date.slice(5);
  if (!result.afterDaily) {
    return {
      kind: 'same',
      text: `same as the fault-free run${attemptsNote(before, reference.afterBackfill)}`,
    };
  }

  const affected: { date: string; day: Day }[] = [];
  for (const date of dates(before, reference.afterBackfill)) {
    const day = before.days.get(date);
    const expected = reference.afterBackfill.days.get(date);
    if (sameDay(day, expected)) continue;
    affected.push({ date, day: day as Day });
    expect({ date, state: day?.state }).toEqual({ date, state: expect.stringMatching(/^(failed|pending)$/) });
    if (day?.state === 'failed') expect(day.reason).toEqual(expect.any(String));
    // What a failed or pending day holds is nothing, or exactly the fault-free rows: never a part, never a double.
    const rows =
      day?.rows === '[]' ? 'none' : day?.rows === expected?.rows ? 'the fault-free rows' : day?.rows;
    expect({ date, rows }).toEqual({ date, rows: expect.stringMatching(/^(none|the fault-free rows)$/) });
  }
  const drawn = heatmap(before);
  const expected = heatmap(reference.afterBackfill);
  for (const date of reference.afterBackfill.days.keys()) {
    const day = drawn.get(date);
    if (affected.some((entry) => entry.date === date)) {
      // A day not stored is never drawn as a quiet day or as one with figures.
      expect({ date, state: day?.state, count: day?.count }).toEqual({
        date,
        state: expect.stringMatching(/^(failed|pending)$/),
        count: 0,
      });
    } else expect(day).toEqual(expected.get(date));
  }

  // After the next daily run (or reconnecting), everything is the fault-free run's.
  const after = result.afterDaily;
  const done = reference.afterDaily as Snapshot;
  for (const date of dates(after, done)) {
    expect({ date, ...after.days.get(date) }).toEqual({
      date,
      ...done.days.get(date),
      attempts: expect.any(Number),
    });
  }
  expect(after.dashboard).toEqual(done.dashboard);
  expect(after.status).toBe('active');

  if (affected.length === 0) {
    // Stored the same, drawn differently: a finding of its own.
    return { kind: 'repaired', text: `same days, but the dashboard differed until the next daily run` };
  }
  const failed = affected.filter((entry) => entry.day.state === 'failed');
  const pending = affected.filter((entry) => entry.day.state === 'pending');
  const reasons = [...new Set(failed.map((entry) => entry.day.reason as string))];
  // A reason is shown to the team's admin: it names what went wrong, never what the provider said of people.
  const values = providerValues(reference);
  expect(values.length).toBeGreaterThan(0);
  for (const reason of reasons) {
    expect({ reason, repeats: values.filter((value) => reason.includes(value)) }).toEqual({
      reason,
      repeats: [],
    });
  }
  const parts = [
    failed.length
      ? `${failed.map((entry) => label(entry.date)).join(', ')} failed with "${reasons.map((r) => short(r, 200)).join('" / "')}"`
      : '',
    pending.length ? `${pending.map((entry) => label(entry.date)).join(', ')} left pending` : '',
  ].filter(Boolean);
  const kept = affected.filter((entry) => entry.day.rows !== '[]');
  const keptNote = kept.length
    ? ` (${kept.map((entry) => label(entry.date)).join(', ')} kept the rows written before the fault)`
    : '';
  // The next daily run asks for its own days anyway; the others it asks for again because they failed or wait.
  const daily = new Set(
    dailyDates(
      manifestCatalog.find(result.provider) as ProviderManifest,
      new Date(Date.parse(NOW) + 86_400_000),
    ),
  );
  const how = (entries: { date: string }[]) => {
    const repaired = entries.filter((entry) => !daily.has(entry.date)).map((entry) => label(entry.date));
    const refetched = entries.filter((entry) => daily.has(entry.date)).map((entry) => label(entry.date));
    return [
      repaired.length ? `${repaired.join(', ')} as ${repaired.length > 1 ? 'days' : 'a day'} to repair` : '',
      refetched.length ? `${refetched.join(', ')} among its own days` : '',
    ]
      .filter(Boolean)
      .join(', ');
  };
  const repair =
    injection.repairedBy === 'reconnect'
      ? `the integration is invalid_credentials, so a daily run skips it (${result.dailyBeforeReconnect?.integrations} integrations scheduled); connecting a new key repaired it (its backfill), and the daily run after matched`
      : `repaired by the next daily run (${how(affected)})`;
  if (injection.repairedBy !== 'reconnect') {
    expect(result.daily?.repairs).toBe(affected.filter((entry) => !daily.has(entry.date)).length);
  }
  return {
    kind: 'repaired',
    text: `${parts.join('; ')}${keptNote}; ${repair}${attemptsNote(after, done)}`,
    reasons,
  };
}

// ---------------------------------------------------------------------------------------------
// The suite: per fault, the three providers side by side (each on its own tables, fakes and runtime)
// ---------------------------------------------------------------------------------------------

describe('failure suite: provider and storage faults never lose or double a stored day', () => {
  const references = new Map<Provider, RunResult>();
  const outcomes: Outcome[] = [];

  beforeAll(async () => {
    const runs = await Promise.all(PROVIDERS.map((provider) => runOnce(provider)));
    PROVIDERS.forEach((provider, index) => references.set(provider, runs[index] as RunResult));
  }, 90_000);

  afterAll(() => {
    const rows = FAULTS.flatMap(({ name, providers }) =>
      PROVIDERS.map((provider): Outcome => {
        const entry = providers[provider];
        if ('na' in entry) return { provider, fault: name, how: '—', kind: 'na', text: `N/A: ${entry.na}` };
        const done = outcomes.find((outcome) => outcome.provider === provider && outcome.fault === name);
        return (
          done ?? {
            provider,
            fault: name,
            how: entry.how,
            kind: 'na',
            text: 'NOT RUN: its check failed (see above)',
          }
        );
      }),
    );
    const count = (kind: Outcome['kind'], text = '') =>
      rows.filter((row) => row.kind === kind && row.text.startsWith(text)).length;
    console.log(
      [
        '| fault | provider | injected as | outcome |',
        '| --- | --- | --- | --- |',
        ...rows.map((row) => `| ${row.fault} | ${row.provider} | ${short(row.how, 140)} | ${row.text} |`),
        '',
        `${rows.length} cells: ${count('same')} same as the fault-free run, ${count('repaired')} failed/pending then repaired, ` +
          `${count('na', 'N/A')} N/A, ${count('na', 'NOT RUN')} not run.`,
      ].join('\n'),
    );
  });

  it('the fault-free runs store every backfilled day', () => {
    for (const provider of PROVIDERS) {
      const reference = references.get(provider) as RunResult;
      for (const date of reference.days) {
        expect({ provider, date, state: reference.afterBackfill.days.get(date)?.state }).toEqual({
          provider,
          date,
          state: expect.stringMatching(/^(ok|no_activity)$/),
        });
      }
      const stored = reference.days.filter((date) => reference.afterBackfill.days.get(date)?.rows !== '[]');
      expect({ provider, stored: stored.length }).toEqual({ provider, stored: reference.days.length });
      expect(reference.afterDaily?.days.size).toBeGreaterThan(reference.afterBackfill.days.size);
      expect(reference.daily).toEqual({ integrations: 1, repairs: 0 });
    }
  });

  it.each(FAULTS)('$name', async ({ name, providers, pinned }) => {
    const settled = await Promise.allSettled(
      PROVIDERS.map(async (provider) => {
        const injection = providers[provider];
        if ('na' in injection) return;
        const reference = references.get(provider) as RunResult;
        try {
          const result = await runOnce(provider, injection, reference);
          const outcome = judge(reference, result, injection);
          outcomes.push({ provider, fault: name, how: injection.how, ...outcome });
          if (pinned?.kind === 'same')
            expect({ provider, kind: outcome.kind }).toEqual({ provider, kind: 'same' });
          if (pinned?.kind === 'failed') {
            expect({ provider, kind: outcome.kind }).toEqual({ provider, kind: 'repaired' });
            expect(outcome.reasons?.length).toBeGreaterThan(0);
            for (const reason of outcome.reasons ?? []) expect(reason).toMatch(pinned.reason);
          }
        } catch (error) {
          if (error instanceof Error) error.message = `${provider}: ${error.message}`;
          throw error;
        }
      }),
    );
    const failure = settled.find((outcome) => outcome.status === 'rejected');
    if (failure) throw (failure as PromiseRejectedResult).reason;
  });
});
