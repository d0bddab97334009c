import type { z } from 'zod';
import { ProviderResponseError } from '../../domain/errors';
import { readAnswer } from '../answers';

/**
 * Reads and checks one downloaded report file; answers its records unchanged (the normaliser parses
 * them again, so stored raw data can be re-normalised later). GitHub serves newline-delimited JSON (one object per line); its
 * example page prints a JSON array, which is accepted too. Blank lines are skipped. Every other line
 * must be a JSON object matching `schema`: a bad line stops the read with its line number — a report
 * with a silently dropped line would be stored as less usage than happened. A line that is not JSON (a last
 * line cut short included) is a damaged download (`not_json`); one of another shape, `unexpected_shape`.
 * Neither repeats what the line holds.
 */
export function parseReportFile(text: string, label: string, schema: z.ZodType): unknown[] {
  const body = text.replace(/^\uFEFF/, '');
  if (body.trimStart().startsWith('[')) return parseArray(body, label, schema);
  const lines = body.split('\n');
  const records: unknown[] = [];
  lines.forEach((rawLine, index) => {
    const line = rawLine.replace(/\r$/, '');
    if (line.trim() === '') return;
    const number = index + 1;
    const isLast = index === lines.length - 1;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      // The last line with no newline after it that is not JSON: the file was cut short.
      const truncated = isLast && !body.endsWith('\n');
      throw new ProviderResponseError('not_json', [
        {
          where: `${label} line ${number}`,
          rule: truncated ? 'the file ends in the middle of a record (truncated download)' : 'not valid JSON',
        },
      ]);
    }
    check(value, schema, `${label} line ${number}`);
    records.push(value);
  });
  return records;
}

function parseArray(body: string, label: string, schema: z.ZodType): unknown[] {
  let values: unknown;
  try {
    values = JSON.parse(body);
  } catch {
    throw new ProviderResponseError('not_json', [
      { where: label, rule: 'a JSON array that does not parse (truncated download?)' },
    ]);
  }
  if (!Array.isArray(values)) {
    throw new ProviderResponseError('unexpected_shape', [{ where: label, rule: 'expected a JSON array' }]);
  }
  values.forEach((value, index) => check(value, schema, `${label} record ${index + 1}`));
  return values as unknown[];
}

function check(value: unknown, schema: z.ZodType, where: string): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ProviderResponseError('unexpected_shape', [{ where, rule: 'expected a JSON object' }]);
  }
  readAnswer(schema, value, { label: where });
}
