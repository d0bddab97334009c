import { stringify } from 'csv-stringify/sync';
import type { CsvTable } from '../schemas/exports';
import type { HttpEvent, HttpResult } from './http';

/** Whether the caller asked for CSV: `format=csv`, or an Accept header that prefers text/csv over JSON. */
export function wantsCsv(event: HttpEvent, format: 'json' | 'csv' | undefined): boolean {
  if (format) return format === 'csv';
  const accept = event.headers?.accept ?? '';
  return /\btext\/csv\b/i.test(accept) && !/\bapplication\/(problem\+)?json\b/i.test(accept);
}

/**
 * A 200 with the records as CSV (RFC 4180: a header row, CRLF, fields quoted where they must be), offered
 * as a download named `filename`.
 */
export function csv<Row>(table: CsvTable<Row>, records: readonly Row[], filename: string): HttpResult {
  return {
    statusCode: 200,
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${filename}"`,
      'cache-control': 'no-store',
    },
    body: stringify([table.columns, ...records.map((record) => table.row(record))], {
      record_delimiter: 'windows',
      cast: { boolean: (value) => String(value) },
    }),
  };
}
