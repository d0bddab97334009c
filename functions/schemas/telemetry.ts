import { z } from 'zod';

/**
 * POST /otlp/v1/metrics: the OTLP/HTTP contract (https://opentelemetry.io/docs/specs/otlp/#otlphttp). The body
 * is decoded by functions/adapters/otlp and read point by point (functions/domain/telemetry/otlp-points.ts),
 * so these schemas document it rather than validate it: a malformed point is rejected alone, as OTLP's partial
 * success expects, instead of refusing the request.
 */
export const otlpMetricsRequestSchema = z
  .looseObject({
    resourceMetrics: z.array(z.looseObject({})).meta({
      description:
        'ResourceMetrics → scopeMetrics → metrics. Sum points of Claude Code’s metrics (`claude_code.*`) are read; ' +
        'each is attributed by `user.email` (or `user.account_id`) from its own or its resource’s attributes.',
    }),
  })
  .meta({
    id: 'OtlpExportMetricsServiceRequest',
    description: 'An ExportMetricsServiceRequest in the OTLP JSON encoding (64-bit integers as strings).',
  });

export const otlpProtobufSchema = z.string().meta({
  id: 'OtlpProtobuf',
  format: 'binary',
  description: 'The same message in the protobuf encoding (optionally `Content-Encoding: gzip`).',
});

export const otlpMetricsResponseSchema = z
  .strictObject({
    partialSuccess: z
      .strictObject({
        rejectedDataPoints: z.string().meta({ description: 'Points refused (int64, as a string).' }),
        errorMessage: z.string().meta({
          description:
            'Why points were refused, and how many of metrics this endpoint does not read were ignored.',
        }),
      })
      .optional(),
  })
  .meta({
    id: 'OtlpExportMetricsServiceResponse',
    description:
      'ExportMetricsServiceResponse, in the request’s encoding: empty when every point was taken, `partialSuccess` otherwise.',
  });

export type OtlpMetricsResponse = z.infer<typeof otlpMetricsResponseSchema>;
