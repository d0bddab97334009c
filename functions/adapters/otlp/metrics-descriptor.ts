/*
 * The OTLP metrics messages this endpoint reads and answers, as a protobufjs JSON descriptor.
 *
 * Message, field and enum names and numbers follow opentelemetry-proto (opentelemetry/proto/collector/metrics/v1/
 * metrics_service.proto, metrics/v1/metrics.proto, common/v1/common.proto, resource/v1/resource.proto):
 * Copyright The OpenTelemetry Authors, licensed under the Apache License, Version 2.0
 * (http://www.apache.org/licenses/LICENSE-2.0). Only what decoding a Sum's number points needs is declared; the
 * rest of a message (exemplars, histogram buckets, schema URLs…) is skipped as unknown fields are, and the point
 * lists of other metric kinds are declared only to count them. The wire format is stable (OTLP 1.x).
 */
export const OTLP_METRICS_DESCRIPTOR = {
  nested: {
    opentelemetry: {
      nested: {
        proto: {
          nested: {
            common: {
              nested: {
                v1: {
                  nested: {
                    AnyValue: {
                      oneofs: {
                        value: {
                          oneof: [
                            'stringValue',
                            'boolValue',
                            'intValue',
                            'doubleValue',
                            'arrayValue',
                            'kvlistValue',
                            'bytesValue',
                          ],
                        },
                      },
                      fields: {
                        stringValue: { type: 'string', id: 1 },
                        boolValue: { type: 'bool', id: 2 },
                        intValue: { type: 'int64', id: 3 },
                        doubleValue: { type: 'double', id: 4 },
                        arrayValue: { type: 'ArrayValue', id: 5 },
                        kvlistValue: { type: 'KeyValueList', id: 6 },
                        bytesValue: { type: 'bytes', id: 7 },
                      },
                    },
                    ArrayValue: { fields: { values: { rule: 'repeated', type: 'AnyValue', id: 1 } } },
                    KeyValueList: { fields: { values: { rule: 'repeated', type: 'KeyValue', id: 1 } } },
                    KeyValue: {
                      fields: { key: { type: 'string', id: 1 }, value: { type: 'AnyValue', id: 2 } },
                    },
                    InstrumentationScope: {
                      fields: { name: { type: 'string', id: 1 }, version: { type: 'string', id: 2 } },
                    },
                  },
                },
              },
            },
            resource: {
              nested: {
                v1: {
                  nested: {
                    Resource: {
                      fields: {
                        attributes: {
                          rule: 'repeated',
                          type: 'opentelemetry.proto.common.v1.KeyValue',
                          id: 1,
                        },
                      },
                    },
                  },
                },
              },
            },
            metrics: {
              nested: {
                v1: {
                  nested: {
                    ResourceMetrics: {
                      fields: {
                        resource: { type: 'opentelemetry.proto.resource.v1.Resource', id: 1 },
                        scopeMetrics: { rule: 'repeated', type: 'ScopeMetrics', id: 2 },
                      },
                    },
                    ScopeMetrics: {
                      fields: {
                        scope: { type: 'opentelemetry.proto.common.v1.InstrumentationScope', id: 1 },
                        metrics: { rule: 'repeated', type: 'Metric', id: 2 },
                      },
                    },
                    Metric: {
                      oneofs: {
                        data: { oneof: ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'] },
                      },
                      fields: {
                        name: { type: 'string', id: 1 },
                        description: { type: 'string', id: 2 },
                        unit: { type: 'string', id: 3 },
                        gauge: { type: 'Gauge', id: 5 },
                        sum: { type: 'Sum', id: 7 },
                        histogram: { type: 'Histogram', id: 9 },
                        exponentialHistogram: { type: 'ExponentialHistogram', id: 10 },
                        summary: { type: 'Summary', id: 11 },
                      },
                    },
                    AggregationTemporality: {
                      values: {
                        AGGREGATION_TEMPORALITY_UNSPECIFIED: 0,
                        AGGREGATION_TEMPORALITY_DELTA: 1,
                        AGGREGATION_TEMPORALITY_CUMULATIVE: 2,
                      },
                    },
                    Gauge: { fields: { dataPoints: { rule: 'repeated', type: 'NumberDataPoint', id: 1 } } },
                    Sum: {
                      fields: {
                        dataPoints: { rule: 'repeated', type: 'NumberDataPoint', id: 1 },
                        aggregationTemporality: { type: 'AggregationTemporality', id: 2 },
                        isMonotonic: { type: 'bool', id: 3 },
                      },
                    },
                    Histogram: {
                      fields: { dataPoints: { rule: 'repeated', type: 'OtherDataPoint', id: 1 } },
                    },
                    ExponentialHistogram: {
                      fields: { dataPoints: { rule: 'repeated', type: 'OtherDataPoint', id: 1 } },
                    },
                    Summary: { fields: { dataPoints: { rule: 'repeated', type: 'OtherDataPoint', id: 1 } } },
                    /** A histogram's or summary's point, counted but not read (all its fields are skipped). */
                    OtherDataPoint: { fields: {} },
                    NumberDataPoint: {
                      oneofs: { value: { oneof: ['asDouble', 'asInt'] } },
                      fields: {
                        attributes: {
                          rule: 'repeated',
                          type: 'opentelemetry.proto.common.v1.KeyValue',
                          id: 7,
                        },
                        startTimeUnixNano: { type: 'fixed64', id: 2 },
                        timeUnixNano: { type: 'fixed64', id: 3 },
                        asDouble: { type: 'double', id: 4 },
                        asInt: { type: 'sfixed64', id: 6 },
                        flags: { type: 'uint32', id: 8 },
                      },
                    },
                  },
                },
              },
            },
            collector: {
              nested: {
                metrics: {
                  nested: {
                    v1: {
                      nested: {
                        ExportMetricsServiceRequest: {
                          fields: {
                            resourceMetrics: {
                              rule: 'repeated',
                              type: 'opentelemetry.proto.metrics.v1.ResourceMetrics',
                              id: 1,
                            },
                          },
                        },
                        ExportMetricsServiceResponse: {
                          fields: { partialSuccess: { type: 'ExportMetricsPartialSuccess', id: 1 } },
                        },
                        ExportMetricsPartialSuccess: {
                          fields: {
                            rejectedDataPoints: { type: 'int64', id: 1 },
                            errorMessage: { type: 'string', id: 2 },
                          },
                        },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
} as const;
