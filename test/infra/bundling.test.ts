import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { functionEntries } from '../../functions/routes';
import { ServiceFunction } from '../../lib/constructs/service-function';
import { cdkContext } from './helpers';

/**
 * The other infra tests skip bundling for speed; this one bundles a real function with the local esbuild
 * (no Docker) and checks what Lambda will load. `npm run synth` bundles all of them.
 */
const outdir = mkdtempSync(join(tmpdir(), 'cdk-bundle-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('function bundles', () => {
  const app = new App({ context: cdkContext, outdir });
  const stack = new Stack(app, 'BundleCheck');
  new ServiceFunction(stack, 'Dashboard', {
    entry: functionEntries.dashboard,
    description: 'bundle check',
    serviceName: 'dashboard',
    logRetention: RetentionDays.ONE_DAY,
    logRemovalPolicy: RemovalPolicy.DESTROY,
  });
  app.synth();
  const assets = readdirSync(outdir).filter((name) => name.startsWith('asset.'));
  const bundle = join(outdir, assets[0] ?? 'missing', 'index.mjs');

  it('is one minified ESM file with a source map', () => {
    expect(assets).toHaveLength(1);
    const code = readFileSync(bundle, 'utf8');
    // ESM with a require() for the CommonJS dependencies that still call it.
    expect(
      code.startsWith(
        "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
      ),
    ).toBe(true);
    expect(code).toMatch(/\bexport\s*\{[^}]*\bhandler\b/);
    // Minified: long lines, not one statement per line.
    expect(code.length / code.split('\n').length).toBeGreaterThan(1000);
    const map = JSON.parse(readFileSync(`${bundle}.map`, 'utf8')) as {
      sources: string[];
      sourcesContent?: unknown;
    };
    expect(map.sources.some((source) => source.endsWith('functions/handlers/dashboard.ts'))).toBe(true);
    expect(map.sourcesContent).toBeUndefined();
  });

  it('carries the AWS SDK inside instead of importing the runtime copy', () => {
    const code = readFileSync(bundle, 'utf8');
    expect(code).toContain('DynamoDB_20120810'); // the DynamoDB client's wire protocol target
    expect(code).not.toMatch(/from\s*["']@aws-sdk\//);
    // (error messages quote `[require("@aws-sdk/…")]`; code never calls it)
    expect(code).not.toMatch(/(?<!\[)require\(["']@aws-sdk\//);
  });

  it('leaves out what the read-only dashboard never uses (no KMS, Secrets Manager or SQS client)', () => {
    const code = readFileSync(bundle, 'utf8');
    for (const target of ['TrentService', 'secretsmanager', 'AmazonSQS']) expect(code).not.toContain(target);
  });
});
