import type { Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { ImportFileError } from '../../domain/errors';
import type { FileLine } from '../../domain/ports';

/** What csv-parse's error codes mean to the person who made the file. */
function explain(error: CsvError): string {
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted field is never closed: check the quotes (a quote inside a field is written "")';
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'a quote closes a field but more text follows it: write a quote inside a field as ""';
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return 'text follows a closing quote: quote the whole field';
    default:
      return `the file is not valid CSV here (${error.code})`;
  }
}

/**
 * A CSV byte stream as records, each with the line it starts on, read through csv-parse as the bytes come (a
 * file of any size with the memory of a record). Quoted commas and newlines, CRLF and a UTF-8 BOM are read as
 * CSV means them; blank lines are skipped; a NUL byte in the first chunk means the file is not text. Throws
 * ImportFileError, with the line, where the text is not CSV.
 */
export async function* csvLines(body: Readable): AsyncIterable<FileLine> {
  const parser = parse({ bom: true, skip_empty_lines: true, relax_column_count: true, info: true });
  let seenBytes = 0;
  body.on('data', (chunk: Buffer) => {
    if (seenBytes === 0 && chunk.includes(0)) {
      parser.destroy(
        new ImportFileError('the file is not text: upload a CSV file (the template’s columns)', 1),
      );
    }
    seenBytes += chunk.length;
  });
  body.on('error', (error) => parser.destroy(error));
  body.pipe(parser);
  // csv-parse counts the line a record ends on; a record starts after the previous one and the blank lines
  // skipped since (a quoted field may hold newlines, and errors name the line a row starts on).
  let previousEnd = 0;
  let previousBlank = 0;
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { lines: number; empty_lines: number };
    }>) {
      yield { line: previousEnd + 1 + (info.empty_lines - previousBlank), values: record };
      previousEnd = info.lines;
      previousBlank = info.empty_lines;
    }
  } catch (error) {
    if (error instanceof CsvError) {
      throw new ImportFileError(explain(error), Number((error as CsvError & { lines?: number }).lines ?? 0));
    }
    throw error;
  } finally {
    body.destroy();
  }
}
