import { S3Client } from '@aws-sdk/client-s3';
import { ENV } from '../../environment';
import { requireEnv } from '../../shared/env';
import { tracer } from '../../shared/observability';
import { S3ImportFiles } from './s3-import-files';

let shared: S3Client | undefined;

/** The imports bucket the stack names. (The local run builds its own, on its S3-compatible server.) */
export function s3ImportFiles(env: NodeJS.ProcessEnv = process.env): S3ImportFiles {
  shared ??= tracer.captureAWSv3Client(new S3Client({}));
  return new S3ImportFiles(shared, requireEnv(ENV.importsBucket, env));
}
