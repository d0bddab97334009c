import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { addDays, isWeekend, randomFor, between } from './fakes/shared/seeded';
import { demoPerson } from './fakes/shared/people';

/** The fourth tool of the demo: ChatGPT, whose usage the demo team exports as a file (it has no usage API). */
export const DEMO_IMPORT_TOOL = { tool: 'chatgpt', display_name: 'ChatGPT' } as const;
/** Days the demo file covers, ending yesterday. */
const DAYS = 60;
/** The demo organisation's people who use it: most are on the roster, one (index 20) is not. */
const USERS = [0, 1, 2, 4, 6, 9, 12, 20];

/**
 * The demo CSV, made for `today`: the template's columns that a chat tool can fill (interactions, chat turns,
 * tokens, cost), one row per person and working day they used it, plausible and always the same for a day.
 */
export function demoImportCsv(today: string): string {
  const lines = ['date,email,name,tool,interactions,chat_turns,tokens_input,tokens_output,cost_cents'];
  for (let back = DAYS; back >= 1; back--) {
    const date = addDays(today, -back);
    for (const index of USERS) {
      const random = randomFor('demo-import', date, String(index));
      if (isWeekend(date) ? random() > 0.1 : random() > 0.75) continue;
      const person = demoPerson(index);
      const turns = between(random, 2, 30);
      const input = turns * between(random, 400, 1_500);
      const output = turns * between(random, 200, 900);
      const cost = Math.round((input * 0.25 + output * 1) / 1_000);
      lines.push(
        [date, person.email, person.name, DEMO_IMPORT_TOOL.tool, turns, turns, input, output, cost].join(','),
      );
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * Imports the demo file as an admin would: POST /imports, PUT the file to the presigned URL it answers (the
 * local S3 server), wait for the import worker, then read the import's state. The file is kept in `directory`
 * for a look at what was imported.
 */
export async function importDemoFile(
  base: string,
  token: string,
  today: string,
  directory: string,
  drain: () => Promise<void>,
): Promise<{ file: string; state: string; rows: number; developers: number }> {
  const file = join(directory, 'demo-chatgpt-usage.csv');
  const csv = demoImportCsv(today);
  writeFileSync(file, csv);
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const started = await fetch(`${base}/imports`, {
    method: 'POST',
    headers,
    body: JSON.stringify(DEMO_IMPORT_TOOL),
  });
  const body = (await started.json()) as {
    import?: { import_id: string };
    upload?: { method: string; url: string; headers: Record<string, string> };
    detail?: string;
  };
  if (!started.ok || !body.import || !body.upload) {
    throw new Error(`the demo import was refused (${started.status}): ${body.detail ?? ''}`);
  }
  const put = await fetch(body.upload.url, {
    method: body.upload.method,
    headers: body.upload.headers,
    body: csv,
  });
  if (!put.ok) throw new Error(`uploading the demo file failed (${put.status})`);
  await drain();
  const read = await fetch(`${base}/imports/${body.import.import_id}`, { headers });
  const done = (await read.json()) as {
    state: string;
    rows: number;
    developers: number;
    message: string | null;
  };
  if (done.state !== 'imported')
    throw new Error(`the demo import ended ${done.state}: ${done.message ?? ''}`);
  return { file, state: done.state, rows: done.rows, developers: done.developers };
}
