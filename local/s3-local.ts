import { mkdirSync } from 'node:fs';
import { S3Client } from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import S3rver from 's3rver';
import { S3ImportFiles } from '../functions/adapters/imports/s3-import-files';

/** s3rver knows this key pair only. */
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
export const LOCAL_IMPORTS_BUCKET = 'ai-usage-imports';

export interface LocalS3 {
  endpoint: string;
  /** The import files adapter the handlers use, on this server. */
  importFiles: S3ImportFiles;
  /** Calls back with S3's own "object created" notification for each upload (as S3 would send to the queue). */
  onObjectCreated(listener: (event: S3Event) => void): void;
  close(): Promise<void>;
}

/**
 * An S3-compatible server on 127.0.0.1 (s3rver) for the local run and tests: presigned PUT uploads from the
 * API's answers land here, and each upload raises S3's own notification. It does not check signatures or
 * expiry (S3 does): what runs here is the flow, not S3's access control.
 */
export async function startLocalS3(directory: string): Promise<LocalS3> {
  mkdirSync(directory, { recursive: true });
  const server = new S3rver({
    port: 0,
    address: '127.0.0.1',
    directory,
    silent: true,
    configureBuckets: [{ name: LOCAL_IMPORTS_BUCKET, configs: [] }],
  });
  const { port } = (await server.run()) as { port: number };
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: CREDENTIALS,
  });
  return {
    endpoint,
    importFiles: new S3ImportFiles(client, LOCAL_IMPORTS_BUCKET),
    onObjectCreated: (listener) => {
      server.on('event', (event: S3Event) => {
        if (event.Records?.some((record) => record.eventName.startsWith('ObjectCreated'))) listener(event);
      });
    },
    close: async () => {
      client.destroy();
      await server.close();
    },
  };
}
