import { parse } from 'csv-parse/sync';
import {
  IMPORT_COLUMNS,
  ImportReader,
  MAX_LISTED_ERRORS,
  importTemplate,
  type ImportMethod,
} from '../../../functions/domain/imports';

/** The rules an import's rows are read by, one at a time (the file's streaming is tested on real parts). */
const TODAY = '2026-06-15';
const reader = (method: ImportMethod = 'csv') =>
  new ImportReader({ tool: 'chatgpt', today: TODAY, method, import_id: 'imp_1' });

/** Reads a header and rows (line 1 is the header) the way the import run does. */
function read(header: string[], ...rows: Record<string, string>[]) {
  const r = reader();
  r.header(header);
  rows.forEach((row, index) => r.row(index + 2, row));
  return r;
}

describe('the header', () => {
  it('takes the template’s columns in any order and any subset holding date and e-mail or login', () => {
    expect(reader().header(['login', 'date'])).toBe(true);
    expect(reader().header([...IMPORT_COLUMNS].reverse())).toBe(true);
  });

  it('names each unknown, nameless or repeated column, and a missing date or developer', () => {
    const r = reader();
    expect(r.header(['date', 'prompts', '', 'interactions', 'interactions'])).toBe(false);
    expect(r.issues).toEqual([
      { line: 1, column: 'column 2', message: expect.stringMatching(/^is not a column an import knows/) },
      { line: 1, column: 'column 3', message: expect.stringMatching(/has no name/) },
      { line: 1, column: 'interactions', message: 'appears 2 times; name each column once' },
      { line: 1, column: 'email', message: expect.stringMatching(/is missing, and so is login/) },
    ]);
    const noDate = reader();
    expect(noDate.header(['email'])).toBe(false);
    expect(noDate.issues.map((issue) => issue.column)).toEqual(['date']);
  });
});

describe('a row', () => {
  it('becomes one developer-day with its figures (blanks are 0), its method kept', () => {
    const r = read(['date', 'email', 'name', 'interactions', 'cost_cents', 'commits'], {
      date: '2026-06-14',
      email: ' Ana.Silva@Example.org ',
      name: 'Ana Silva',
      interactions: '42',
      cost_cents: '310',
      commits: '',
    });
    expect(r.accepted).toBe(true);
    const [day] = r.result().days;
    expect(day?.date).toBe('2026-06-14');
    expect(day?.rows[0]).toMatchObject({
      developer: {
        key: 'email:ana.silva@example.org',
        email: 'ana.silva@example.org',
        display_name: 'Ana Silva',
      },
      active: true,
      metrics: { interactions: 42, cost_cents: 310, commits: 0 },
      extras: { import_method: 'csv' },
    });
  });

  it('takes active time in whole seconds, and reads a file without the column as one without active time', () => {
    const r = read(
      ['date', 'email', 'interactions', 'active_seconds'],
      { date: '2026-06-14', email: 'ana@example.org', interactions: '3', active_seconds: '5400' },
      { date: '2026-06-14', email: 'ben@example.org', interactions: '', active_seconds: '600' },
    );
    expect(r.accepted).toBe(true);
    expect(r.result().days[0]?.rows).toMatchObject([
      { developer: { key: 'email:ana@example.org' }, active: true, metrics: { active_seconds: 5400 } },
      // Time spent with the tool is use of it, with or without an interaction counted.
      { developer: { key: 'email:ben@example.org' }, active: true, metrics: { active_seconds: 600 } },
    ]);
    const older = read(['date', 'email', 'interactions'], {
      date: '2026-06-14',
      email: 'ana@example.org',
      interactions: '3',
    });
    expect(older.result().days[0]?.rows[0]?.metrics.active_seconds).toBe(0);
    const fractional = read(['date', 'email', 'active_seconds'], {
      date: '2026-06-14',
      email: 'ana@example.org',
      active_seconds: '1.5',
    });
    expect(fractional.issues).toEqual([
      { line: 2, column: 'active_seconds', message: 'must be a whole number of 0 or more (or empty for 0)' },
    ]);
  });

  it('is keyed by login where there is no e-mail, and a row of zeros is a quiet day for that developer', () => {
    const r = read(['date', 'login', 'interactions'], {
      date: '2026-06-14',
      login: 'ana-s',
      interactions: '0',
    });
    expect(r.result().days[0]?.rows[0]).toMatchObject({ developer: { key: 'login:ana-s' }, active: false });
  });

  it.each([
    ['a day not written YYYY-MM-DD', { date: '14/06/2026' }, 'date', /YYYY-MM-DD/],
    ['an impossible day', { date: '2026-02-30' }, 'date', /YYYY-MM-DD/],
    ['a day in the future', { date: '2026-06-16' }, 'date', /in the future \(today is 2026-06-15\)/],
    [
      'a day before the history limit',
      { date: '2024-06-15' },
      'date',
      /is before 2024-06-16: imports reach back 730 days/,
    ],
    ['a negative figure', { interactions: '-1' }, 'interactions', /whole number of 0 or more/],
    ['a fraction', { interactions: '1.5' }, 'interactions', /whole number/],
    ['a figure with a unit', { interactions: '12 req' }, 'interactions', /whole number/],
    ['an absurd figure', { interactions: '10000000000000' }, 'interactions', /at most/],
    ['an e-mail that is not one', { email: 'ana at example' }, 'email', /e-mail address/],
    ['no developer at all', { email: '' }, 'email', /name the developer/],
    ['another tool', { tool: 'cursor' }, 'tool', /^names another tool: this import is for "chatgpt"$/],
  ])('refuses %s, naming line and column', (_what, change, column, message) => {
    const r = read(['date', 'email', 'tool', 'interactions'], {
      date: '2026-06-14',
      email: 'ana@example.org',
      interactions: '1',
      ...change,
    });
    expect(r.accepted).toBe(false);
    expect(r.issues).toEqual([{ line: 2, column, message: expect.stringMatching(message) }]);
  });

  it('accepts the first and the last day of the window, and its own tool named in the tool column', () => {
    const r = read(
      ['date', 'email', 'tool'],
      { date: '2024-06-16', email: 'ana@example.org', tool: 'chatgpt' },
      { date: TODAY, email: 'ana@example.org', tool: '' },
    );
    expect(r.issues).toEqual([]);
    expect(r.result().period).toEqual({ start_date: '2024-06-16', end_date: TODAY });
  });

  it('refuses the same developer twice on one day (the file would be ambiguous), naming both lines', () => {
    const row = { date: '2026-06-14', email: 'ana@example.org', interactions: '1' };
    const r = read(['date', 'email', 'interactions'], row, { ...row, email: 'ANA@example.org' });
    expect(r.issues).toEqual([
      {
        line: 3,
        column: null,
        message: expect.stringMatching(/^repeats line 2: the same developer and day/),
      },
    ]);
  });

  it('refuses a field a manual row should not have', () => {
    const r = reader('manual');
    r.row(2, { date: '2026-06-14', email: 'ana@example.org', prompts: '3' });
    expect(r.issues).toEqual([{ line: 2, column: 'prompts', message: 'is not a field an import row has' }]);
  });
});

describe('the whole import', () => {
  it('covers every day from its first to its last: days between without rows are quiet days', () => {
    const r = read(
      ['date', 'email', 'interactions'],
      { date: '2026-06-10', email: 'ana@example.org', interactions: '3' },
      { date: '2026-06-12', email: 'ben@example.org', interactions: '4' },
      { date: '2026-06-12', email: 'ana@example.org', interactions: '5' },
    );
    const result = r.result();
    expect(result.days.map((day) => [day.date, day.rows.length])).toEqual([
      ['2026-06-10', 1],
      ['2026-06-11', 0],
      ['2026-06-12', 2],
    ]);
    expect(result).toMatchObject({ rows: 3, developers: 2 });
  });

  it(`counts every problem but lists the first ${MAX_LISTED_ERRORS}`, () => {
    const r = reader();
    r.header(['date', 'email']);
    for (let line = 2; line < 152; line++) r.row(line, { date: 'soon', email: 'ana@example.org' });
    expect(r.errorCount).toBe(150);
    expect(r.issues).toHaveLength(MAX_LISTED_ERRORS);
    expect(r.accepted).toBe(false);
  });

  it('is not accepted without rows', () => {
    const r = reader();
    r.header(['date', 'email']);
    expect(r.accepted).toBe(false);
    expect(r.result()).toEqual({ days: [], rows: 0, developers: 0, period: null });
  });
});

describe('the template', () => {
  it('is a CSV of the columns with two example rows of yesterday that import as they are', () => {
    const [header, ...rows] = parse(importTemplate(TODAY)) as string[][];
    expect(header).toEqual([...IMPORT_COLUMNS]);
    // Appended: the columns of older templates come first, in their order.
    expect(header?.slice(-2)).toEqual(['cost_cents', 'active_seconds']);
    const r = reader();
    expect(r.header(header as string[])).toBe(true);
    rows.forEach((values, index) =>
      r.row(
        index + 2,
        Object.fromEntries((header as string[]).map((column, i) => [column, values[i] as string])),
      ),
    );
    expect(r.issues).toEqual([]);
    expect(r.result()).toMatchObject({
      rows: 2,
      period: { start_date: '2026-06-14', end_date: '2026-06-14' },
    });
  });
});
