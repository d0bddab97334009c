import type { Readable } from 'node:stream';
import {
  GetObjectCommand,
  HeadObjectCommand,
  NotFound,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { FileLine, ImportFiles } from '../../domain/ports';
import { csvLines } from './csv-lines';

const CONTENT_TYPE = 'text/csv';

/**
 * Import files in S3: presigned PUT uploads (straight from the admin's browser or script to S3, so a file may be
 * far larger than an API request), and the object's body streamed through csvLines.
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
    yield* csvLines(object.Body as Readable);
  }
}
