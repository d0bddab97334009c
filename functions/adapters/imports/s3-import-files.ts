import type { Readable } from 'node:stream';
import {
  GetObjectCommand,
  HeadObjectCommand,
  NotFound,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { CsvError, parse } from 'csv-parse';
import { ImportFileError } from '../../domain/errors';
import type { FileLine, ImportFiles } from '../../domain/ports';

const CONTENT_TYPE = 'text/csv';

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
 * Import files in S3: presigned PUT uploads (straight from the admin's browser or script to S3, so a file may be
 * far larger than an API request), and a streamed read through csv-parse — a file of any size is read with the
 * memory of one record. Quoted commas and newlines, CRLF and a UTF-8 BOM are read as CSV means them; blank lines
 * are skipped; a NUL byte means the file is not text.
 */
export class S3ImportFiles implements ImportFiles {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async uploadTarget(key: string, expiresInSeconds: number) {
    const url = await getSignedUrl(
      this.s3,
      new PutObjectCommand({ Bucket: this.bucket, Key: key, ContentType: CONTENT_TYPE }),
      { expiresIn: expiresInSeconds },
    );
    return {
      method: 'PUT' as const,
      url,
      headers: { 'content-type': CONTENT_TYPE },
      expires_at: new Date(Date.now() + expiresInSeconds * 1000).toISOString(),
    };
  }

  async size(key: string): Promise<number | undefined> {
    try {
      const head = await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return head.ContentLength ?? 0;
    } catch (error) {
      if (error instanceof NotFound || (error as { name?: string }).name === 'NotFound') return undefined;
      throw error;
    }
  }

  async *lines(key: string): AsyncIterable<FileLine> {
    const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    const body = object.Body as Readable;
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
        throw new ImportFileError(
          explain(error),
          Number((error as CsvError & { lines?: number }).lines ?? 0),
        );
      }
      throw error;
    } finally {
      body.destroy();
    }
  }
}
