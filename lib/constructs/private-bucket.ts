import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  ObjectOwnership,
  type BucketProps,
} from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config';

/**
 * The stack's S3 buckets, one way: encrypted (S3-managed), TLS only, no public access, removed with a dev stack
 * (emptied first) and kept with prod. `props` adds what a bucket is for (lifecycle, logging, CORS).
 */
export function privateBucket(
  scope: Construct,
  id: string,
  config: StageConfig,
  props: BucketProps = {},
): Bucket {
  return new Bucket(scope, id, {
    encryption: BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    removalPolicy: config.removalPolicy,
    autoDeleteObjects: config.removalPolicy === RemovalPolicy.DESTROY,
    ...props,
  });
}

/**
 * A bucket that receives access logs (S3 server access logs, and CloudFront's standard logs, which CloudFront
 * delivers through the bucket ACL: hence BUCKET_OWNER_PREFERRED); logs are kept 90 days.
 */
export function accessLogsBucket(scope: Construct, id: string, config: StageConfig): Bucket {
  return privateBucket(scope, id, config, {
    objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
    lifecycleRules: [{ expiration: Duration.days(90) }],
  });
}
