import type { z } from 'zod';

/** A report file that cannot be read as GitHub documents it; says where. */
export class ReportFormatError extends Error {
  override name = 'ReportFormatError';
  constructor(
    message: string,
    readonly line: number,
    /** The file ended in the middle of a record: downloading again may help. */
    readonly truncated: boolean,
  ) {
    super(message);
  }
}

/**
 * Reads and checks one downloaded report file; answers its records unchanged (the normaliser parses
 * them again, so stored raw data can be re-normalised later). GitHub serves newline-delimited JSON (one object per line); its
 * example page prints a JSON array, which is accepted too. Blank lines are skipped. Every other line
 * must be a JSON object matching `schema`: a bad line stops the read with its line number — a report
 * with a silently dropped line would be stored as less usage than happened.
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
      throw new ReportFormatError(
        truncated
          ? `${label} line ${number}: the file ends in the middle of a record (truncated download)`
          : `${label} line ${number}: not valid JSON`,
        number,
        truncated,
      );
    }
    check(value, schema, `${label} line ${number}`, number);
    records.push(value);
  });
  return records;
}

function parseArray(body: string, label: string, schema: z.ZodType): unknown[] {
  let values: unknown;
  try {
    values = JSON.parse(body);
  } catch {
    throw new ReportFormatError(`${label}: a JSON array that does not parse (truncated download?)`, 1, true);
  }
  if (!Array.isArray(values)) throw new ReportFormatError(`${label}: expected a JSON array`, 1, false);
  values.forEach((value, index) => check(value, schema, `${label} record ${index + 1}`, index + 1));
  return values as unknown[];
}

function check(value: unknown, schema: z.ZodType, where: string, line: number): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ReportFormatError(`${where}: expected a JSON object`, line, false);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || 'record';
    throw new ReportFormatError(`${where}: ${field} ${issue?.message ?? 'is invalid'}`, line, false);
  }
}
