import { addDays, daysBetween, isIsoDay } from './dates';
import {
  METRIC_NAMES,
  emptyBreakdowns,
  zeroMetrics,
  type DeveloperDayUsage,
  type MetricName,
} from './metrics';

/**
 * Usage of tools without an API, from a file (CSV) or typed in (manual): one row per developer × day with any
 * figures of the metric vocabulary. Every row is checked before anything is stored; a file with any bad row is
 * refused whole, each problem named by its line and column.
 */
export type ImportMethod = 'csv' | 'manual';
export type ImportState = 'pending' | 'validating' | 'imported' | 'rejected' | 'failed';

export interface ImportIssue {
  /** 1-based line of the file (the header is line 1); for manual rows, the row's index + 2. */
  line: number;
  /** The column at fault, or null for the whole line or file. */
  column: string | null;
  message: string;
}

export interface ImportRecord {
  team_id: string;
  import_id: string;
  integration_id: string;
  /** The tool's id: a registered provider's, or a tool the team named. */
  tool: string;
  tool_name: string;
  method: ImportMethod;
  state: ImportState;
  created_at: string;
  created_by: string;
  updated_at: string;
  /** Where the uploaded file is (csv only). Never a URL. */
  file_key: string | null;
  file_bytes: number | null;
  rows: number;
  developers: number;
  /** Days the import covers: from its first to its last day (days without rows are stored as quiet days). */
  period: { start_date: string; end_date: string } | null;
  errors: ImportIssue[];
  /** Errors found in all; `errors` lists the first MAX_LISTED_ERRORS. */
  error_count: number;
  message: string | null;
}

/** The columns an import may have: who, when, which tool, and any figure of the vocabulary. */
export const IMPORT_COLUMNS = ['date', 'email', 'login', 'name', 'tool', ...METRIC_NAMES] as const;
export const MAX_LISTED_ERRORS = 100;
/** Imports reach back two years at most (the same horizon a provider's backfill can have). */
export const IMPORT_HISTORY_DAYS = 730;
/** Files above this are refused before they are read (100,000 rows of every column fit in ~40 MB). */
export const MAX_IMPORT_BYTES = 100 * 1024 * 1024;
/** Rows are held until every one is checked (all or nothing): 100,000 rows take ~180 MB (docs/benchmarks.md §8). */
export const MAX_IMPORT_ROWS = 200_000;
/** A figure above this is a typo, not usage (and keeps sums exact in a double). */
const MAX_FIGURE = 1e12;

const EMAIL = /^[^\s@,;]+@[^\s@,;]+\.[^\s@,;]+$/;
const LOGIN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const INTEGER = /^\d+$/;

/**
 * The template: the header, and two rows of yesterday (so that the file imports as it is) that show how figures
 * and blanks are read.
 */
export function importTemplate(today: string): string {
  const yesterday = addDays(today, -1);
  const header = IMPORT_COLUMNS.join(',');
  const example = (date: string, email: string, name: string, figures: Partial<Record<MetricName, number>>) =>
    [date, email, '', name, '', ...METRIC_NAMES.map((metric) => figures[metric] ?? '')].join(',');
  return [
    header,
    example(yesterday, 'ana.silva@example.org', 'Ana Silva', {
      interactions: 42,
      requests: 40,
      cost_cents: 310,
    }),
    example(yesterday, 'ben.becker@example.org', 'Ben Becker', { interactions: 7, tokens_input: 12000 }),
    '',
  ].join('\r\n');
}

export interface ImportContext {
  tool: string;
  today: string;
  method: ImportMethod;
  import_id: string;
}

/**
 * Reads an import row by row and keeps every problem: call `header` once, `row` for each record, then
 * `result`. A row is one developer on one day: the same developer and day twice is an error (the file would be
 * ambiguous: add, or replace?).
 */
export class ImportReader {
  readonly issues: ImportIssue[] = [];
  errorCount = 0;
  private readonly earliest: string;
  private readonly seen = new Map<string, number>();
  private readonly days = new Map<string, DeveloperDayUsage[]>();
  private readonly developers = new Set<string>();
  private first: string | undefined;
  private last: string | undefined;
  rows = 0;

  constructor(private readonly context: ImportContext) {
    this.earliest = addDays(context.today, -(IMPORT_HISTORY_DAYS - 1));
  }

  issue(line: number, column: string | null, message: string): void {
    this.errorCount++;
    if (this.issues.length < MAX_LISTED_ERRORS) this.issues.push({ line, column, message });
  }

  /** Checks the columns (line 1 of a file); false when the file cannot be read as an import at all. */
  header(columns: readonly string[]): boolean {
    const before = this.errorCount;
    const counted = new Map<string, number>();
    columns.forEach((raw, index) => {
      const column = raw.trim();
      const position = `column ${index + 1}`;
      if (column === '') {
        this.issue(1, position, 'has no name: every column needs one of the template’s names');
      } else if (!(IMPORT_COLUMNS as readonly string[]).includes(column)) {
        // Named by its position, not its text: submitted values are not echoed.
        this.issue(
          1,
          position,
          `is not a column an import knows; the columns are ${IMPORT_COLUMNS.join(', ')} (GET /api/ai-usage/imports/template.csv)`,
        );
      }
      counted.set(column, (counted.get(column) ?? 0) + 1);
    });
    for (const [column, times] of counted) {
      if (times > 1 && (IMPORT_COLUMNS as readonly string[]).includes(column)) {
        this.issue(1, column, `appears ${times} times; name each column once`);
      }
    }
    if (!counted.has('date')) this.issue(1, 'date', 'is missing: every row needs its day (YYYY-MM-DD)');
    if (!counted.has('email') && !counted.has('login')) {
      this.issue(1, 'email', 'is missing, and so is login: every row needs the developer’s e-mail or login');
    }
    return this.errorCount === before;
  }

  /** One record (column → text). */
  row(line: number, record: Readonly<Record<string, string | undefined>>): void {
    this.rows++;
    const text = (column: string) => (record[column] ?? '').trim();
    const before = this.errorCount;
    const date = text('date');
    if (!isIsoDay(date)) this.issue(line, 'date', 'must be a day written YYYY-MM-DD');
    else if (date > this.context.today)
      this.issue(line, 'date', `is in the future (today is ${this.context.today})`);
    else if (date < this.earliest) {
      this.issue(line, 'date', `is before ${this.earliest}: imports reach back ${IMPORT_HISTORY_DAYS} days`);
    }
    const email = text('email').toLowerCase();
    const login = text('login');
    if (email !== '' && !EMAIL.test(email))
      this.issue(line, 'email', 'must be an e-mail address (name@example.org)');
    if (login !== '' && !LOGIN.test(login)) {
      this.issue(line, 'login', 'must be a login: letters, digits, ".", "_" or "-", at most 100 characters');
    }
    if (email === '' && login === '')
      this.issue(line, 'email', 'is empty, and so is login: name the developer');
    const tool = text('tool');
    if (tool !== '' && tool !== this.context.tool) {
      this.issue(line, 'tool', `names another tool: this import is for "${this.context.tool}"`);
    }
    const metrics = zeroMetrics();
    for (const metric of METRIC_NAMES) {
      const value = text(metric);
      if (value === '') continue;
      if (!INTEGER.test(value)) {
        this.issue(line, metric, 'must be a whole number of 0 or more (or empty for 0)');
      } else if (Number(value) > MAX_FIGURE) {
        this.issue(line, metric, `must be at most ${MAX_FIGURE.toExponential()}`);
      } else metrics[metric] = Number(value);
    }
    for (const column of Object.keys(record)) {
      // Manual rows come as objects: a key outside the template is as unknown as a column would be.
      if (!(IMPORT_COLUMNS as readonly string[]).includes(column)) {
        this.issue(line, column, 'is not a field an import row has');
      }
    }
    if (this.errorCount > before) return;

    const key = email !== '' ? `email:${email}` : `login:${login.toLowerCase()}`;
    const previous = this.seen.get(`${date}|${key}`);
    if (previous !== undefined) {
      this.issue(line, null, `repeats line ${previous}: the same developer and day (sum them into one row)`);
      return;
    }
    this.seen.set(`${date}|${key}`, line);
    this.developers.add(key);
    if (this.first === undefined || date < this.first) this.first = date;
    if (this.last === undefined || date > this.last) this.last = date;
    const name = text('name');
    const row: DeveloperDayUsage = {
      date,
      developer: {
        key,
        kind: 'user',
        ...(email !== '' ? { email } : {}),
        ...(login !== '' ? { login } : {}),
        ...(name !== '' ? { display_name: name.slice(0, 200) } : {}),
      },
      active: METRIC_NAMES.some((metric) => metrics[metric] > 0),
      metrics,
      breakdowns: emptyBreakdowns(),
      extras: { import_method: this.context.method },
    };
    const day = this.days.get(date) ?? [];
    day.push(row);
    this.days.set(date, day);
  }

  /** The days to store: every day from the first to the last (a day without rows is a quiet day). */
  result(): {
    days: { date: string; rows: DeveloperDayUsage[] }[];
    rows: number;
    developers: number;
    period: { start_date: string; end_date: string } | null;
  } {
    if (this.first === undefined || this.last === undefined) {
      return { days: [], rows: this.rows, developers: 0, period: null };
    }
    return {
      days: daysBetween(this.first, this.last).map((date) => ({ date, rows: this.days.get(date) ?? [] })),
      rows: this.rows,
      developers: this.developers.size,
      period: { start_date: this.first, end_date: this.last },
    };
  }

  /** Whether the import may be stored: rows, and not one problem. */
  get accepted(): boolean {
    return this.errorCount === 0 && this.first !== undefined;
  }
}

/** A tool an import may name: a registered provider, or one the team names (`chatgpt`, `windsurf`, …). */
export const CUSTOM_TOOL = /^[a-z][a-z0-9_]{1,39}$/;
