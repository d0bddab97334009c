import { gzipSync } from 'node:zlib';
import protobuf from 'protobufjs/light.js';
import {
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../../../functions/domain/errors';
import { pointsOf } from '../../../functions/domain/telemetry/otlp-points';
import {
  MAX_OTLP_BODY_BYTES,
  MAX_OTLP_DECODED_BYTES,
  bodyBytes,
  decodeMetricsRequest,
  encodeMetricsResponse,
  otlpEncodingOf,
} from '../../../functions/adapters/otlp';
import { OTLP_METRICS_DESCRIPTOR } from '../../../functions/adapters/otlp/metrics-descriptor';
import { eventBody } from '../../../local/api-server';

const root = protobuf.Root.fromJSON(OTLP_METRICS_DESCRIPTOR as unknown as protobuf.INamespace);
const Request = root.lookupType('opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest');
const Response = root.lookupType('opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse');

/** Past 2^53 ns: the protobuf fixed64 must come out exact, as a decimal string. */
const TIME = '1763629260123456789';
const START = '1763629200000000001';
const json = {
  resourceMetrics: [
    {
      resource: { attributes: [{ key: 'user.email', value: { stringValue: 'ana@example.com' } }] },
      scopeMetrics: [
        {
          scope: { name: 'com.anthropic.claude_code' },
          metrics: [
            {
              name: 'claude_code.token.usage',
              unit: 'tokens',
              sum: {
                aggregationTemporality: 2,
                isMonotonic: true,
                dataPoints: [
                  {
                    attributes: [
                      { key: 'type', value: { stringValue: 'input' } },
                      { key: 'attempt', value: { intValue: '3' } },
                    ],
                    startTimeUnixNano: START,
                    timeUnixNano: TIME,
                    asInt: '1234',
                  },
                  { startTimeUnixNano: START, timeUnixNano: TIME, asDouble: 0.5 },
                ],
              },
            },
            { name: 'claude_code.latency', histogram: { dataPoints: [{ count: '2' }, { count: '1' }] } },
          ],
        },
      ],
    },
  ],
};

describe('OTLP bodies', () => {
  it('decode to the same points from JSON and from protobuf, gzip or not, 64-bit times exact', () => {
    const proto = Buffer.from(Request.encode(Request.fromObject(json)).finish());
    const fromJson = pointsOf(decodeMetricsRequest(Buffer.from(JSON.stringify(json)), 'json'));
    const fromProto = pointsOf(decodeMetricsRequest(proto, 'protobuf'));
    const fromGzip = pointsOf(decodeMetricsRequest(gzipSync(proto), 'protobuf', 'gzip'));
    expect(fromProto).toEqual(fromJson);
    expect(fromGzip).toEqual(fromJson);
    expect(fromJson.ignoredKinds).toBe(2);
    expect(fromJson.points.map((p) => [p.timeNanos, p.startNanos, p.value, p.attributes.attempt])).toEqual([
      [TIME, START, 1234, 3],
      [TIME, START, 0.5, undefined],
    ]);
  });

  it('take the two OTLP media types and refuse others (415)', () => {
    expect(otlpEncodingOf('application/x-protobuf')).toBe('protobuf');
    expect(otlpEncodingOf('application/json; charset=utf-8')).toBe('json');
    for (const other of [undefined, 'text/plain', 'application/grpc', 'multipart/form-data']) {
      expect(() => otlpEncodingOf(other)).toThrow(UnsupportedMediaTypeError);
    }
    expect(() => decodeMetricsRequest(Buffer.from('{}'), 'json', 'br')).toThrow(UnsupportedMediaTypeError);
  });

  it('refuse a body over the limit as sent (413), and one that decompresses past its limit', () => {
    expect(() => decodeMetricsRequest(Buffer.alloc(MAX_OTLP_BODY_BYTES + 1), 'protobuf')).toThrow(
      PayloadTooLargeError,
    );
    const bomb = gzipSync(Buffer.alloc(MAX_OTLP_DECODED_BYTES + 1));
    expect(bomb.length).toBeLessThan(MAX_OTLP_BODY_BYTES);
    expect(() => decodeMetricsRequest(bomb, 'protobuf', 'gzip')).toThrow(PayloadTooLargeError);
  });

  it('refuse bodies that are not the message (400)', () => {
    expect(() => decodeMetricsRequest(Buffer.from('{"resourceMetrics":'), 'json')).toThrow(ValidationError);
    expect(() => decodeMetricsRequest(Buffer.from('[1,2]'), 'json')).toThrow(ValidationError);
    expect(() => decodeMetricsRequest(Buffer.from([0x0a, 0xff, 0xff, 0xff]), 'protobuf')).toThrow(
      ValidationError,
    );
    expect(() => decodeMetricsRequest(Buffer.from('not gzip'), 'json', 'gzip')).toThrow(ValidationError);
  });

  it('answer in the request’s encoding, with partialSuccess only when something was refused or ignored', () => {
    expect(encodeMetricsResponse('json', undefined)).toEqual({
      contentType: 'application/json',
      body: '{}',
      isBase64Encoded: false,
    });
    const partial = { rejectedDataPoints: 3, errorMessage: 'Points rejected: 3 without user.email.' };
    expect(JSON.parse(encodeMetricsResponse('json', partial).body)).toEqual({
      partialSuccess: { rejectedDataPoints: '3', errorMessage: partial.errorMessage },
    });
    const proto = encodeMetricsResponse('protobuf', partial);
    expect(proto).toMatchObject({ contentType: 'application/x-protobuf', isBase64Encoded: true });
    const decoded = Response.toObject(Response.decode(Buffer.from(proto.body, 'base64')), { longs: String });
    expect(decoded).toEqual({
      partialSuccess: { rejectedDataPoints: '3', errorMessage: partial.errorMessage },
    });
  });
});

describe('the local gateway’s event body', () => {
  it('hands binary bodies over base64-encoded, as API Gateway does, and text as text', () => {
    const bytes = Buffer.from([0x0a, 0x00, 0xff, 0xfe]);
    expect(eventBody(bytes, 'application/x-protobuf')).toEqual({
      body: bytes.toString('base64'),
      isBase64Encoded: true,
    });
    expect(bodyBytes(eventBody(bytes, 'application/x-protobuf').body, true)).toEqual(bytes);
    for (const text of [
      'application/json',
      'application/json; charset=utf-8',
      'text/csv',
      'application/problem+json',
      undefined,
    ]) {
      expect(eventBody(Buffer.from('{"a":"é"}'), text)).toEqual({
        body: '{"a":"é"}',
        isBase64Encoded: false,
      });
    }
  });
});
