/**
 * Benchmark 8 (`npm run bench -- --only 8`): a CSV import of 100,000 rows (1,000 developers × 100 days, every
 * column of the template filled) as an admin runs it — POST /imports, the presigned PUT to the local S3 server,
 * S3's notification, the import worker reading, checking and storing into DynamoDB Local — with its wall time
 * and peak memory. Beside it, the read and check alone two ways: streamed record by record (this design) and
 * the baseline that reads the whole file into a string and parses it at once.
 *
 * Each runs in a process of its own (bench/imports-child.ts), whose maximum resident set is its peak memory; an
 * idle process that loads the same modules gives the floor. The import's process also runs the local API and
 * S3 server, so its figure bounds the worker's from above.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addDays, toIsoDay } from '../functions/domain/dates';
import { IMPORT_COLUMNS } from '../functions/domain/imports';
import { METRIC_NAMES } from '../functions/domain/metrics';

interface Options {
  print: (line: string) => void;
  now: Date;
  developers: number;
  days: number;
}

interface Measured {
  ms: number;
  max_rss_mb: number;
  rows: number;
  state?: string;
}

const MB = 1024 * 1024;

/** The file: `developers` rows a day for `days` days ending yesterday, every column filled. */
function largeCsv(today: string, developers: number, days: number): string {
  const lines = [IMPORT_COLUMNS.join(',')];
  for (let day = days; day >= 1; day--) {
    const date = addDays(today, -day);
    for (let developer = 0; developer < developers; developer++) {
      const base = (developer * 7 + day * 3) % 50;
      lines.push(
        [
          date,
          `dev${developer}@bench.example`,
          `dev-${developer}`,
          `Developer ${developer}`,
          'benchtool',
          ...METRIC_NAMES.map((_, index) => base * (index + 1)),
        ].join(','),
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

const child = (mode: string, file: string, now: Date): Measured =>
  JSON.parse(
    execFileSync(
      process.execPath,
      ['--import', 'tsx', 'bench/imports-child.ts', mode, file, now.toISOString()],
      {
        encoding: 'utf8',
        env: process.env,
        maxBuffer: 10 * MB,
      },
    )
      .trim()
      .split('\n')
      .pop() as string,
  ) as Measured;

export async function importsAtScale({ print, now, developers, days }: Options): Promise<void> {
  const directory = mkdtempSync(join(tmpdir(), 'ai-usage-bench-imports-'));
  const file = join(directory, 'usage.csv');
  const csv = largeCsv(toIsoDay(now), developers, days);
  writeFileSync(file, csv);
  try {
    const rows = developers * days;
    const idle = child('idle', file, now);
    const imported = child('import', file, now);
    if (imported.state !== 'imported' || imported.rows !== rows) {
      throw new Error(`the import ended ${imported.state} with ${imported.rows} rows`);
    }
    const streamed = child('stream', file, now);
    const whole = child('whole', file, now);
    print(
      `${rows.toLocaleString('en-GB')} rows (${developers.toLocaleString('en-GB')} developers × ${days} days, ` +
        `${IMPORT_COLUMNS.length} columns), ${(csv.length / MB).toFixed(1)} MB. Each step in a process of its own; ` +
        `an idle process with the same modules peaks at ${idle.max_rss_mb.toFixed(0)} MB.\n`,
    );
    print('| step | wall time, s | peak memory (max rss), MB | above idle, MB |');
    print('|---|---:|---:|---:|');
    const line = (step: string, m: Measured) =>
      print(
        `| ${step} | ${(m.ms / 1000).toFixed(1)} | ${m.max_rss_mb.toFixed(0)} | ${(m.max_rss_mb - idle.max_rss_mb).toFixed(0)} |`,
      );
    line(
      'the import: POST /imports → PUT → notification → worker reads, checks, stores → `imported`',
      imported,
    );
    line('read + check only, streamed record by record (this design)', streamed);
    line('read + check only, whole file read and parsed at once (baseline)', whole);
    const above = (m: Measured) => Math.max(1, m.max_rss_mb - idle.max_rss_mb);
    print(
      `\nBaseline ÷ streamed: time ${(whole.ms / streamed.ms).toFixed(2)}×, memory above idle ${(
        above(whole) / above(streamed)
      ).toFixed(
        2,
      )}×; ${streamed.rows === whole.rows && whole.rows === rows ? 'both read every row' : 'ROW COUNTS DIFFER'}.`,
    );
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
