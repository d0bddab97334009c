import { relative } from 'node:path';
import { format } from 'node:util';
import type { EnvironmentContext, JestEnvironmentConfig } from '@jest/environment';
import { TestEnvironment } from 'jest-environment-node';
import { exposureCaptureFromEnv, teeOutput, type ExposureCapture } from '../../local/exposure-capture';

const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
/** Each worker's own environment is recorded once (its test files' copies each time). */
let workerRecorded = false;

/** A Powertools log line: one JSON object with its level, timestamp and service. */
function isPowertoolsLine(text: string): boolean {
  if (!text.startsWith('{')) return false;
  try {
    const line = JSON.parse(text) as Record<string, unknown>;
    return typeof line.level === 'string' && 'timestamp' in line && 'service' in line;
  } catch {
    return false;
  }
}

/**
 * Jest's node environment that, in a run with the exposure capture (EXPOSURE_CAPTURE_DIR, set by the global
 * setup), also records for the secret exposure check: every write to the process's stdout and stderr
 * (Powertools' JSON lines among them, kept out of the terminal unless TEST_LOG_LEVEL asks for them), every
 * line the test's console prints, and each test file's environment when the file is done — Jest gives each
 * file its own copy of process.env, which is what its code and the child processes it starts see. It runs
 * outside the test's sandbox, so its hooks outlive each file and see everything the file's own hooks do.
 */
export default class ExposureEnvironment extends TestEnvironment {
  private readonly capture: ExposureCapture | undefined;
  private readonly testPath: string;

  constructor(config: JestEnvironmentConfig, context: EnvironmentContext) {
    super(config, context);
    this.capture = exposureCaptureFromEnv();
    this.testPath = relative(config.globalConfig.rootDir, context.testPath);
  }

  override async setup(): Promise<void> {
    await super.setup();
    const capture = this.capture;
    if (!capture) return;
    if (!workerRecorded) {
      capture.record('env', { source: 'jest process', pid: process.pid, env: { ...process.env } });
      workerRecorded = true;
    }
    const showLogs = Boolean(process.env.TEST_LOG_LEVEL);
    teeOutput(
      capture,
      [
        { name: 'stdout', stream: process.stdout },
        { name: 'stderr', stream: process.stderr },
      ],
      (text) => showLogs || !isPowertoolsLine(text),
    );
    const console = this.global.console as unknown as Record<string, (...args: unknown[]) => void>;
    for (const method of CONSOLE_METHODS) {
      const print = console[method]?.bind(console);
      if (!print) continue;
      console[method] = (...args: unknown[]) => {
        capture.record('logs', { stream: `console.${method}`, test: this.testPath, text: format(...args) });
        print(...args);
      };
    }
  }

  override async teardown(): Promise<void> {
    const env = (this.global.process as NodeJS.Process | undefined)?.env;
    if (env) this.capture?.record('env', { source: this.testPath, pid: process.pid, env: { ...env } });
    await super.teardown();
  }
}
