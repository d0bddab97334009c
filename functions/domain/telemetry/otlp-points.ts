/**
 * OTLP metrics (ExportMetricsServiceRequest) → data points. The JSON encoding and the protobuf one (decoded with
 * the OTLP message definitions, functions/adapters/otlp) give the same object shape: camelCase fields, 64-bit
 * integers as strings or numbers, `aggregationTemporality` as its number. Only Sum points become points here
 * (Claude Code's metrics are all counters); other kinds are counted as ignored.
 */
export type AttributeValue = string | number | boolean;
export type Temporality = 'cumulative' | 'delta';

export interface MetricPoint {
  metric: string;
  /** The resource's attributes overlaid with the point's own. */
  attributes: Record<string, AttributeValue>;
  /** Unix nanoseconds, as decimal strings (they pass 2^53). */
  startNanos: string;
  timeNanos: string;
  value: number;
  temporality: Temporality;
}

export interface DecodedPoints {
  points: MetricPoint[];
  /** Points the request carried that cannot be read (no time, no value, no temporality): rejected. */
  malformed: number;
  /** Points of metric kinds this endpoint does not read (gauges, histograms…): ignored, not rejected. */
  ignoredKinds: number;
}

type Obj = Record<string, unknown>;
const obj = (value: unknown): Obj => (value && typeof value === 'object' ? (value as Obj) : {});
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** AnyValue → a plain value (arrays, maps and bytes are not used by Claude Code's attributes: skipped). */
function anyValue(value: unknown): AttributeValue | undefined {
  const v = obj(value);
  if (typeof v.stringValue === 'string') return v.stringValue;
  if (typeof v.boolValue === 'boolean') return v.boolValue;
  if (v.intValue !== undefined && v.intValue !== null) return Number(v.intValue);
  if (typeof v.doubleValue === 'number') return v.doubleValue;
  return undefined;
}

export function attributesOf(keyValues: unknown): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const entry of list(keyValues)) {
    const { key, value } = obj(entry);
    const plain = anyValue(value);
    if (typeof key === 'string' && plain !== undefined) out[key] = plain;
  }
  return out;
}

const NANOS = /^\d{1,20}$/;
function nanos(value: unknown): string | undefined {
  const text = typeof value === 'number' ? String(Math.trunc(value)) : value;
  return typeof text === 'string' && NANOS.test(text) && text !== '0' ? BigInt(text).toString() : undefined;
}

function pointValue(point: Obj): number | undefined {
  if (typeof point.asDouble === 'number' && Number.isFinite(point.asDouble)) return point.asDouble;
  if (point.asInt !== undefined && point.asInt !== null) {
    const value = Number(point.asInt);
    return Number.isFinite(value) ? value : undefined;
  }
  return undefined;
}

/** AGGREGATION_TEMPORALITY_DELTA = 1, _CUMULATIVE = 2 (the JSON encoding may also name them). */
function temporalityOf(value: unknown): Temporality | undefined {
  if (value === 1 || value === 'AGGREGATION_TEMPORALITY_DELTA') return 'delta';
  if (value === 2 || value === 'AGGREGATION_TEMPORALITY_CUMULATIVE') return 'cumulative';
  return undefined;
}

export function pointsOf(request: unknown): DecodedPoints {
  const result: DecodedPoints = { points: [], malformed: 0, ignoredKinds: 0 };
  for (const resourceMetrics of list(obj(request).resourceMetrics)) {
    const resource = attributesOf(obj(obj(resourceMetrics).resource).attributes);
    for (const scopeMetrics of list(obj(resourceMetrics).scopeMetrics)) {
      for (const metric of list(obj(scopeMetrics).metrics).map(obj)) {
        const name = typeof metric.name === 'string' ? metric.name : '';
        if (metric.sum === undefined || metric.sum === null) {
          for (const kind of ['gauge', 'histogram', 'exponentialHistogram', 'summary']) {
            result.ignoredKinds += list(obj(metric[kind]).dataPoints).length;
          }
          continue;
        }
        const sum = obj(metric.sum);
        const temporality = temporalityOf(sum.aggregationTemporality);
        for (const point of list(sum.dataPoints).map(obj)) {
          const timeNanos = nanos(point.timeUnixNano);
          const value = pointValue(point);
          if (!name || !temporality || !timeNanos || value === undefined || value < 0) {
            result.malformed++;
            continue;
          }
          result.points.push({
            metric: name,
            attributes: { ...resource, ...attributesOf(point.attributes) },
            // A point without a start time is its own series start (the spec makes it optional).
            startNanos: nanos(point.startTimeUnixNano) ?? timeNanos,
            timeNanos,
            value,
            temporality,
          });
        }
      }
    }
  }
  return result;
}

/** The UTC day (YYYY-MM-DD) of a Unix-nanosecond time. */
export function dayOfNanos(value: string): string {
  return new Date(Number(BigInt(value) / 1_000_000n)).toISOString().slice(0, 10);
}
