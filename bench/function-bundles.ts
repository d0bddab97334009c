/**
 * Benchmark 13 (`npm run bench -- --only 13`): each Lambda function's bundle and the time Node takes to load it
 * in a fresh process — a proxy for the init phase of a cold start — beside an empty handler bundled the same way.
 *
 * Every entry the CDK app deploys (functions/routes.ts `functionEntries`; the scheduler and the fetcher are
 * deployed once per provider from one bundle) is bundled by the project's own construct (ServiceFunction →
 * NodejsFunction with local esbuild: ESM, minified, source maps, the AWS SDK inside), synthesized as
 * test/infra/bundling.test.ts does. Each bundle is then imported in a fresh `node` (this process's binary) five
 * times, round-robin across bundles, with the environment Lambda would give it filled with dummies — including
 * the construct's NODE_OPTIONS=--enable-source-maps; the same without it is shown beside.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { tableDefinitions } from '../functions/adapters/dynamodb/table-definitions';
import { ENV } from '../functions/environment';
import { providerManifests } from '../functions/providers/manifests';
import { functionEntries } from '../functions/routes';
import { NODE_RUNTIME, PROJECT_ROOT, ServiceFunction } from '../lib/constructs/service-function';

interface Options {
  print: (line: string) => void;
  /** Fresh processes per bundle (the median is shown). */
  runs: number;
}

const BASELINE = 'empty handler (baseline)';
const BASELINE_ENTRY = 'bench/baselines/empty-handler.ts';

/** Bundles one entry through the construct; returns the folder holding index.mjs and its map. */
function bundle(name: string, entry: string, outdir: string): string {
  const context = (
    JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }
  ).context;
  const app = new App({ context, outdir });
  const stack = new Stack(app, 'BundleBench');
  new ServiceFunction(stack, 'Function', {
    entry,
    description: `bundle of ${name}`,
    serviceName: name,
    logRetention: RetentionDays.ONE_DAY,
    logRemovalPolicy: RemovalPolicy.DESTROY,
  });
  app.synth();
  const asset = readdirSync(outdir).find((file) => file.startsWith('asset.'));
  if (!asset || !existsSync(join(outdir, asset, 'index.mjs'))) throw new Error(`no bundle for ${entry}`);
  return join(outdir, asset);
}

/** What Lambda sets, and every variable a binding may set, as dummies. */
function lambdaEnvironment(name: string, sourceMaps: boolean): NodeJS.ProcessEnv {
  const bound: Record<string, string> = {
    [ENV.providerId]: providerManifests[0]?.id ?? 'claude_code',
    [ENV.syncQueueUrls]: JSON.stringify(
      Object.fromEntries(
        providerManifests.map((m) => [m.id, `https://sqs.us-east-1.amazonaws.com/0/${m.id}`]),
      ),
    ),
    [ENV.attributionQueueUrl]: 'https://sqs.us-east-1.amazonaws.com/0/attribution',
    [ENV.importsBucket]: 'imports-bucket',
    [ENV.secretsKeyId]: 'arn:aws:kms:us-east-1:000000000000:key/00000000-0000-0000-0000-000000000000',
    [ENV.secretNamePrefix]: 'ai-usage/bench',
    ...Object.fromEntries(
      tableDefinitions.map((definition) => [definition.envVar, `bench-${definition.id}`]),
    ),
  };
  return {
    PATH: process.env.PATH,
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_SESSION_TOKEN: 'bench',
    AWS_EXECUTION_ENV: `AWS_Lambda_${NODE_RUNTIME.name}`,
    AWS_LAMBDA_FUNCTION_NAME: `bench-${name}`,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/bench-${name}`,
    AWS_LAMBDA_LOG_STREAM_NAME: 'bench',
    POWERTOOLS_SERVICE_NAME: name,
    POWERTOOLS_METRICS_NAMESPACE: 'AiUsageBench',
    ...(sourceMaps ? { NODE_OPTIONS: '--enable-source-maps' } : {}),
    ...bound,
  };
}

/** Milliseconds from before `import()` of the bundle to its module graph evaluated, in a fresh process. */
function importTime(file: string, env: NodeJS.ProcessEnv): number {
  const script =
    'const t = performance.now();' +
    `const m = await import(${JSON.stringify(pathToFileURL(file).href)});` +
    'const ms = performance.now() - t;' +
    "if (typeof m.handler !== 'function') throw new Error('no handler export');" +
    'console.log(ms);';
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return Number(out.trim().split('\n').pop());
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};
const kb = (bytes: number) => (bytes / 1024).toFixed(1);
const fmt = (n: number, digits = 1) => n.toFixed(digits);

export async function functionBundles(options: Options): Promise<void> {
  const { print, runs } = options;
  const root = mkdtempSync(join(tmpdir(), 'ai-usage-bench-bundles-'));
  try {
    const perProvider = new Set(['scheduler', 'fetcher']);
    const entries: [string, string][] = [[BASELINE, BASELINE_ENTRY], ...Object.entries(functionEntries)];
    const bundles = entries.map(([name, entry], index) => {
      const folder = bundle(name, entry, join(root, String(index)));
      const code = readFileSync(join(folder, 'index.mjs'));
      return {
        name,
        entry,
        file: join(folder, 'index.mjs'),
        bytes: code.length,
        gzipped: gzipSync(code, { level: 9 }).length,
        mapBytes: statSync(join(folder, 'index.mjs.map')).size,
        withMaps: [] as number[],
        withoutMaps: [] as number[],
      };
    });
    // Round-robin, so a noisy moment of the machine spreads over every bundle instead of hitting one.
    for (let run = 0; run < runs; run++) {
      for (const b of bundles) {
        b.withMaps.push(importTime(b.file, lambdaEnvironment(b.name, true)));
        b.withoutMaps.push(importTime(b.file, lambdaEnvironment(b.name, false)));
      }
    }
    const base = bundles[0];
    const baseInit = median(base?.withMaps ?? []);
    const baseInitPlain = median(base?.withoutMaps ?? []);
    print(
      `Bundled by lib/constructs/service-function.ts (esbuild ${NODE_RUNTIME.name}, ESM, minified, source maps, AWS SDK inside); ` +
        `import time is the median of ${runs} fresh \`node\` processes (${process.version}) per bundle, round-robin.\n`,
    );
    print(
      '| function (deployed) | bundle KB | gzip KB | source map KB | init ms (median, --enable-source-maps as deployed) | ÷ baseline | init ms without source maps | ÷ baseline |',
    );
    print('|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const b of bundles) {
      const init = median(b.withMaps);
      const plain = median(b.withoutMaps);
      const deployed =
        b.name === BASELINE
          ? b.name
          : `${b.name}${perProvider.has(b.name) ? ` (× ${providerManifests.length}, one per provider)` : ''}`;
      print(
        `| ${deployed} | ${kb(b.bytes)} | ${kb(b.gzipped)} | ${kb(b.mapBytes)} | ${fmt(init)} | ${fmt(init / baseInit, 1)}× | ` +
          `${fmt(plain)} | ${fmt(plain / baseInitPlain, 1)}× |`,
      );
    }
    const ours = bundles.slice(1);
    const mapsCost = median(ours.map((b) => median(b.withMaps) - median(b.withoutMaps)));
    const largest = [...bundles].sort((a, b) => b.bytes - a.bytes)[0];
    const slowest = [...bundles].sort((a, b) => median(b.withMaps) - median(a.withMaps))[0];
    print(
      `\nLargest bundle: ${largest?.name} (${kb(largest?.bytes ?? 0)} KB); slowest to load: ${slowest?.name} ` +
        `(${fmt(median(slowest?.withMaps ?? []))} ms, ${fmt(median(slowest?.withMaps ?? []) - baseInit)} ms above the empty handler). ` +
        `--enable-source-maps adds ${fmt(mapsCost)} ms to a load (the median over the functions of the difference of medians). ` +
        "Lambda's own init (runtime start, fetching the code) and the first invocation's work come on top.",
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
