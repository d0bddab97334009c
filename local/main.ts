import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { providerManifests } from '../functions/providers/manifests';
import { API_BASE_PATH } from '../functions/routes';
import { startLocalApi } from './api-server';
import {
  DEMO_TEAM,
  LOCAL_DIR,
  LOCAL_TELEMETRY_REBUILD_DELAY_MS,
  SIGNING_KEYS_FILE,
  localPort,
} from './config';
import { ensureTables } from './create-tables';
import { nextEventBridgeFire } from './cron';
import { startDynamoDbLocal } from './dynamodb-local';
import { prepareDemoProviders, type DemoConnection } from './demo-providers';
import { prepareLocalData } from './data-format';
import { createVerifier, issueToken, loadOrCreateSigningKeys } from './jwt';
import { DEMO_IMPORT_TOOL, importDemoFile } from './demo-import';
import { demoRoster } from './demo-roster';
import { pageFiles } from './page';
import { localSignInRoute } from './sign-in';
import { WEB_DIST, buildWeb } from '../web/build';
import { demoPerson } from './fakes/shared/people';
import { createLocalRuntime } from './runtime';
import { startLocalS3 } from './s3-local';

const say = (line: string) => process.stdout.write(`${line}\n`);

/** Starts everything, connects the demo team on first start, and runs until Ctrl-C. */
export async function runLocal(): Promise<void> {
  const startedAt = Date.now();
  const stops: (() => Promise<void> | void)[] = [];
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('\nStopping…');
    for (const stop of stops.reverse()) await Promise.resolve(stop()).catch(() => undefined);
    process.exit(code);
  };
  process.once('SIGINT', () => void shutdown(0));
  process.once('SIGTERM', () => void shutdown(0));

  try {
    if (prepareLocalData(LOCAL_DIR) === 'rebuilt') {
      say(
        `Stored local data in ${LOCAL_DIR} is of an older format: rebuilding it — ` +
          'the tables and sealed keys are removed and the demo team is connected and backfilled again.',
      );
    }
    say('Starting DynamoDB Local (Java)…');
    const dynamo = await startDynamoDbLocal({ dbPath: join(LOCAL_DIR, 'dynamodb') });
    stops.push(() => dynamo.stop());
    process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.endpoint;
    const tableNames = await ensureTables(new DynamoDBClient({}), 'local-');
    say(`  DynamoDB Local on ${dynamo.endpoint}, tables ${Object.values(tableNames).join(', ')}`);

    const { providerEnv, demos } = await prepareDemoProviders(process.env, say, (stop) => stops.push(stop));

    const s3 = await startLocalS3(join(LOCAL_DIR, 's3'));
    stops.push(() => s3.close());
    say(`  S3 (local, for import files) on ${s3.endpoint}`);
    const runtime = createLocalRuntime({
      s3,
      tableNames,
      dataDir: LOCAL_DIR,
      providerEnv,
      telemetryRebuildDelayMs: LOCAL_TELEMETRY_REBUILD_DELAY_MS,
      queue: {
        onDeadLetter: (provider, job) =>
          say(
            `  ! ${provider} sync job moved to the dead-letter queue (npm run redrive moves it back): ${JSON.stringify(job)}`,
          ),
      },
    });
    stops.unshift(() => runtime.close());

    const keys = await loadOrCreateSigningKeys(SIGNING_KEYS_FILE);
    await buildWeb({ quiet: true });
    const api = await startLocalApi({
      handlers: runtime.http,
      ingestTokenAuthorizer: runtime.ingestTokenAuthorizer,
      verify: createVerifier(keys),
      port: localPort(),
      localRoutes: {
        'POST /_local/schedule': async () => ({ status: 200, body: { fired: await runtime.schedule() } }),
        'POST /_local/redrive': async () => ({ status: 200, body: { redriven: runtime.redrive() } }),
        'POST /_local/token': localSignInRoute(keys),
      },
      page: pageFiles(WEB_DIST),
    });
    stops.unshift(() => api.close());
    const base = `${api.url}${API_BASE_PATH}`;
    const adminToken = await issueToken(keys, { teamId: DEMO_TEAM, role: 'admin' });

    for (const demo of demos) {
      const existing = (await runtime.ports.integrations.list(DEMO_TEAM)).find(
        (i) => i.provider === demo.provider,
      );
      if (existing) {
        say(
          `  ${demo.provider}: demo team already connected (${existing.integration_id}); reusing stored data.`,
        );
        continue;
      }
      if (!demo.apiKey) {
        say(`  ${demo.provider}: set ${demo.keyEnv} to connect the demo team to the real API.`);
        continue;
      }
      await connectAndBackfill(base, adminToken, demo, runtime);
    }

    if (demos.every((demo) => demo.fake)) {
      await importDemoUsage(base, adminToken, runtime);
      await giveDemoRoster(base, adminToken, runtime);
    }

    scheduleDaily(runtime, stops);
    const get = async <T>(path: string) =>
      (await (
        await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${adminToken}` } })
      ).json()) as T;
    const dashboard = await get<{
      total_interactions: number;
      active_days: number;
      top_tool: { name: string } | null;
    }>('/dashboard?days=90');
    const developers = await get<{
      total: number;
      match_rates: { name: string; match_rate: number | null }[];
    }>('/dashboard/developers?days=90&limit=1');
    say('');
    say(`Ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s.`);
    say(
      `  Demo dashboard (90 days): ${dashboard.total_interactions} interactions on ${dashboard.active_days} active days, top tool ${dashboard.top_tool?.name ?? 'none'}`,
    );
    say(
      `  Developers (90 days): ${developers.total} rows; matched to the roster: ${
        developers.match_rates
          .map(
            (rate) =>
              `${rate.name} ${rate.match_rate === null ? '–' : `${(rate.match_rate * 100).toFixed(1)} %`}`,
          )
          .join(', ') || 'no usage yet'
      }`,
    );
    say(`  Team page:    ${api.url}/  (sign in as any team, role and e-mail: demo-team, admin)`);
    say(`  API:          ${base}`);
    say(`  Admin token:  ${adminToken}`);
    say('');
    say(`  curl -s -H "Authorization: Bearer $TOKEN" ${base}/dashboard?days=90`);
    say(
      `  (TOKEN=$(npm run -s token -- --team ${DEMO_TEAM} --role admin); npm run schedule fires the daily sync)`,
    );
    say(
      `  My usage:     TOKEN=$(npm run -s token -- --team ${DEMO_TEAM} --role member --email ${demoPerson(0).email}); ` +
        `curl -s -H "Authorization: Bearer $TOKEN" ${base}/dashboard/me`,
    );
    say('Press Ctrl-C to stop.');
  } catch (error) {
    say(`\nThe local run could not start: ${(error as Error).message}`);
    await shutdown(1);
  }
}

async function connectAndBackfill(
  base: string,
  token: string,
  demo: DemoConnection,
  runtime: ReturnType<typeof createLocalRuntime>,
): Promise<void> {
  const started = Date.now();
  const response = await fetch(`${base}/connect`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ provider: demo.provider, api_key: demo.apiKey, ...demo.options }),
  });
  const body = (await response.json()) as {
    integration_id?: string;
    detail?: string;
    backfill?: { days: number; start_date: string; end_date: string };
  };
  if (!response.ok || !body.integration_id || !body.backfill) {
    throw new Error(
      `connecting ${demo.provider} failed (${response.status}): ${body.detail ?? JSON.stringify(body)}`,
    );
  }
  const total = body.backfill.days;
  say(
    `  ${demo.provider}: connected ${body.integration_id}; backfilling ${total} days (${body.backfill.start_date} → ${body.backfill.end_date})`,
  );
  const progress = setInterval(() => void report(), 400);
  const report = async () => {
    const ledger = await runtime.ports.usage.getLedger(
      DEMO_TEAM,
      body.backfill!.start_date,
      body.backfill!.end_date,
      body.integration_id,
    );
    const done = ledger.filter((entry) => entry.state !== 'pending').length;
    process.stdout.write(`\r  ${demo.provider}: backfill ${done}/${total} days`);
  };
  await runtime.queue.drain();
  clearInterval(progress);
  await report();
  process.stdout.write(` — done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

/**
 * A fourth tool without an API, on the demo team's first start: its usage file imported as an admin would
 * (POST /imports, upload, the worker), so that imported figures sit next to fetched ones.
 */
async function importDemoUsage(
  base: string,
  token: string,
  runtime: ReturnType<typeof createLocalRuntime>,
): Promise<void> {
  const imported = (await runtime.ports.integrations.list(DEMO_TEAM)).some(
    (integration) => integration.provider === DEMO_IMPORT_TOOL.tool,
  );
  if (imported) return;
  const today = new Date().toISOString().slice(0, 10);
  const done = await importDemoFile(base, token, today, LOCAL_DIR, () => runtime.queue.drain());
  say(
    `  ${DEMO_IMPORT_TOOL.tool}: imported ${done.rows} rows of ${done.developers} developers from ${done.file} ` +
      '(POST /imports, then the upload; GET /imports lists them).',
  );
}

/**
 * The demo team's roster, on its first start (an admin's roster is never replaced): PUT /members like an admin
 * would, then wait until the stored days are attributed to its people and groups.
 */
async function giveDemoRoster(
  base: string,
  token: string,
  runtime: ReturnType<typeof createLocalRuntime>,
): Promise<void> {
  if ((await runtime.ports.roster.get(DEMO_TEAM)).version > 0) return;
  const response = await fetch(`${base}/members`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(demoRoster()),
  });
  const body = (await response.json()) as {
    people?: unknown[];
    groups?: { name: string }[];
    detail?: string;
  };
  if (!response.ok) throw new Error(`the demo roster was refused (${response.status}): ${body.detail ?? ''}`);
  await runtime.queue.drain();
  say(
    `  Roster: ${body.people?.length ?? 0} people in groups ${(body.groups ?? []).map((g) => g.name).join(', ')} ` +
      '(GET /members); their usage is attributed to them.',
  );
}

function scheduleDaily(runtime: ReturnType<typeof createLocalRuntime>, stops: (() => void)[]): void {
  for (const manifest of providerManifests) {
    let timer: NodeJS.Timeout;
    const arm = () => {
      const next = nextEventBridgeFire(manifest.scheduleCron, new Date());
      say(`  ${manifest.id}: daily sync scheduled ${manifest.scheduleCron} → next ${next.toISOString()}`);
      timer = setTimeout(() => {
        void runtime.schedule(manifest.id).then(([result]) => {
          say(
            `  ${manifest.id}: daily sync queued ${result?.jobs ?? 0} jobs for ${result?.integrations ?? 0} integrations, ${result?.repairs ?? 0} days to repair`,
          );
          arm();
        });
      }, next.getTime() - Date.now());
    };
    arm();
    stops.push(() => clearTimeout(timer));
  }
}
