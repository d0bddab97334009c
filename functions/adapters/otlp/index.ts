import { gunzipSync } from 'node:zlib';
import protobuf from 'protobufjs/light.js';
import { PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from '../../domain/errors';
import { OTLP_METRICS_DESCRIPTOR } from './metrics-descriptor';

/**
 * OTLP/HTTP bodies (https://opentelemetry.io/docs/specs/otlp/#otlphttp): an ExportMetricsServiceRequest in the
 * protobuf or JSON encoding, optionally gzip-compressed, decoded to the one object shape
 * functions/domain/telemetry/otlp-points.ts reads; and the ExportMetricsServiceResponse in the request's encoding.
 */
export type OtlpEncoding = 'json' | 'protobuf';

/** A body as sent (compressed or not). Claude Code sends a few kB a minute; a collector batching a fleet, more. */
export const MAX_OTLP_BODY_BYTES = 1024 * 1024;
/** A body once decompressed (gzip shrinks OTLP about tenfold; a bomb stops here). */
export const MAX_OTLP_DECODED_BYTES = 8 * 1024 * 1024;

const root = protobuf.Root.fromJSON(OTLP_METRICS_DESCRIPTOR as unknown as protobuf.INamespace);
const requestType = root.lookupType('opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest');
const responseType = root.lookupType('opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse');

const MEDIA_TYPES: Record<string, OtlpEncoding> = {
  'application/x-protobuf': 'protobuf',
  'application/protobuf': 'protobuf',
  'application/json': 'json',
};

/** The encoding a Content-Type names; a 415 naming the two OTLP/HTTP takes otherwise. */
export function otlpEncodingOf(contentType: string | undefined): OtlpEncoding {
  const media = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const encoding = MEDIA_TYPES[media];
  if (!encoding) {
    throw new UnsupportedMediaTypeError(
      'Send OTLP metrics as Content-Type application/x-protobuf or application/json (OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf or http/json).',
    );
  }
  return encoding;
}

/** The body's bytes as sent: API Gateway hands binary bodies over base64-encoded. */
export function bodyBytes(body: string | undefined, isBase64Encoded: boolean): Buffer {
  if (!body) return Buffer.alloc(0);
  return isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
}

function decompressed(bytes: Buffer, contentEncoding: string | undefined): Buffer {
  const coding = (contentEncoding ?? '').trim().toLowerCase();
  if (coding === '' || coding === 'identity') return bytes;
  if (coding !== 'gzip') {
    throw new UnsupportedMediaTypeError('Send the body uncompressed or with Content-Encoding: gzip.');
  }
  try {
    return gunzipSync(bytes, { maxOutputLength: MAX_OTLP_DECODED_BYTES });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new PayloadTooLargeError(
        `The body decompresses to more than ${MAX_OTLP_DECODED_BYTES} bytes; export more often or in smaller batches.`,
      );
    }
    throw new ValidationError('The body is not valid gzip.', [{ field: 'body', message: 'malformed gzip' }]);
  }
}

/** A request body → the ExportMetricsServiceRequest as a plain object (camelCase fields, 64-bit integers as strings). */
export function decodeMetricsRequest(
  bytes: Buffer,
  encoding: OtlpEncoding,
  contentEncoding?: string,
): unknown {
  if (bytes.length > MAX_OTLP_BODY_BYTES) {
    throw new PayloadTooLargeError(
      `The body has ${bytes.length} bytes; this endpoint takes at most ${MAX_OTLP_BODY_BYTES} (export more often or in smaller batches).`,
    );
  }
  const plain = decompressed(bytes, contentEncoding);
  if (encoding === 'json') {
    let value: unknown;
    try {
      value = JSON.parse(plain.toString('utf8')) as unknown;
    } catch {
      throw new ValidationError('The body is not valid JSON.', [
        { field: 'body', message: 'malformed JSON' },
      ]);
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      throw new ValidationError('The body is not an ExportMetricsServiceRequest.', [
        { field: 'body', message: 'must be a JSON object with resourceMetrics' },
      ]);
    }
    return value;
  }
  try {
    return requestType.toObject(requestType.decode(plain), {
      longs: String,
      enums: Number,
      bytes: String,
      defaults: false,
    });
  } catch {
    throw new ValidationError('The body is not a protobuf ExportMetricsServiceRequest.', [
      { field: 'body', message: 'malformed protobuf' },
    ]);
  }
}

/** The success answer: ExportMetricsServiceResponse, with partialSuccess when points were rejected or ignored. */
export function encodeMetricsResponse(
  encoding: OtlpEncoding,
  partial: { rejectedDataPoints: number; errorMessage: string } | undefined,
): { contentType: string; body: string; isBase64Encoded: boolean } {
  const message = partial
    ? {
        partialSuccess: {
          rejectedDataPoints: String(partial.rejectedDataPoints),
          errorMessage: partial.errorMessage,
        },
      }
    : {};
  if (encoding === 'json') {
    return { contentType: 'application/json', body: JSON.stringify(message), isBase64Encoded: false };
  }
  const bytes = responseType.encode(responseType.fromObject(message)).finish();
  return {
    contentType: 'application/x-protobuf',
    body: Buffer.from(bytes).toString('base64'),
    isBase64Encoded: true,
  };
}
