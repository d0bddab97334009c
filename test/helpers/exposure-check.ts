import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXPOSURE_CAPTURE_ENV, SENT_KEYS, exposureCapture } from '../../local/exposure-capture';
import { keyShapedTokens, scanCapture, summaryLine, type ScanResult } from './exposure-scan';
import { TEST_KEYS } from './provider-keys';

/**
 * The secret exposure check of a test run: the global setup starts a capture folder (every process of the run
 * writes what it shows there, see local/exposure-capture.ts, exposure-environment.ts and capture-item-writes.ts);
 * the global teardown adds its own environment, reads everything for the listed test keys (provider-keys.ts), the
 * keys the pipelines sent and any key-shaped token, prints one line and fails the run on a finding.
 */
export interface ExposureRun {
  dir: string;
  /** Whether the run made the folder (and removes it when nothing is found). */
  own: boolean;
  /** Key-shaped tokens in the environment the run started with: not the tests' doing, so not reported. */
  inherited: Set<string>;
}

export function startExposureCapture(): ExposureRun {
  const inherited = new Set(keyShapedTokens(JSON.stringify(process.env)));
  const given = process.env[EXPOSURE_CAPTURE_ENV];
  const dir = given ?? mkdtempSync(join(tmpdir(), 'ai-usage-exposure-'));
  process.env[EXPOSURE_CAPTURE_ENV] = dir;
  return { dir, own: !given, inherited };
}

const MAX_LISTED = 30;

/** The credentials the run's pipelines sent to providers (registered by the provider context's fetch). */
function sentKeys(dir: string): string[] {
  const folder = join(dir, SENT_KEYS);
  if (!existsSync(folder)) return [];
  return readdirSync(folder).flatMap((file) =>
    readFileSync(join(folder, file), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => (JSON.parse(line) as { key: string }).key),
  );
}

/** Returns the error that fails the run, if anything was found. */
export function finishExposureCheck(
  run: ExposureRun,
  print: (line: string) => void = console.log,
): { result: ScanResult; failure?: Error } {
  const started = Date.now();
  const capture = exposureCapture(run.dir);
  capture.record('env', { source: 'jest', pid: process.pid, env: { ...process.env } });
  const listed = Object.entries(TEST_KEYS).map(([name, key]) => ({ name, key }));
  const known = new Set(listed.map(({ key }) => key));
  const sent = [...new Set(sentKeys(run.dir))].filter((key) => !known.has(key));
  const keys = [
    ...listed,
    ...sent.map((key, i) => ({ name: `unlisted key ${i + 1} the pipeline sent`, key })),
  ];
  const result = scanCapture(run.dir, keys, { ignore: run.inherited });
  print(`${summaryLine(result)} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  if (result.findings.length === 0) {
    if (run.own) rmSync(run.dir, { recursive: true, force: true });
    return { result };
  }
  const lines = result.findings
    .slice(0, MAX_LISTED)
    .map((finding) => `  ${finding.what} in ${finding.place}: ${finding.file}:${finding.line}`);
  if (result.findings.length > MAX_LISTED) lines.push(`  … and ${result.findings.length - MAX_LISTED} more`);
  const failure = new Error(
    `a provider key was found where none may be (the capture is kept in ${run.dir}):\n${lines.join('\n')}`,
  );
  return { result, failure };
}
