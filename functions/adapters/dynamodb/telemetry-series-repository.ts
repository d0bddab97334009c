import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SeriesChange, TelemetrySeriesRepository } from '../../domain/ports';
import type { SeriesState } from '../../domain/telemetry/series';
import { mapLimit } from './batch';
import { keys } from './keys';

const STORAGE_FIELDS = ['pk', 'sk', 'entity', 'team_id', 'integration_id'];
/** Series written at once by one request. */
const WRITES_AT_ONCE = 16;

function fromItem(item: Record<string, unknown>): SeriesState {
  const copy = { ...item };
  for (const field of STORAGE_FIELDS) delete copy[field];
  return copy as unknown as SeriesState;
}

/**
 * Telemetry series in the Usage table (docs/data-model.md, "Telemetry series"): `TEAM#<team>#SERIES#<integration
 * id>#<date>` / `SERIES#<series hash>`. Each write is conditioned on the series as it was read (absent, or the
 * same time and value), so two requests merging the same series never lose a point.
 */
export class DynamoTelemetrySeriesRepository implements TelemetrySeriesRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getDay(teamId: string, integrationId: string, date: string): Promise<SeriesState[]> {
    const states: SeriesState[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.telemetrySeriesDay(teamId, integrationId, date) },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      states.push(...(page.Items ?? []).map(fromItem));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return states;
  }

  async put(
    teamId: string,
    integrationId: string,
    changes: readonly SeriesChange[],
  ): Promise<SeriesChange[]> {
    const moved = await mapLimit(changes, WRITES_AT_ONCE, async (change) => {
      const { next, previous } = change;
      try {
        await this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              pk: keys.telemetrySeriesDay(teamId, integrationId, next.date),
              sk: keys.telemetrySeries(next.series),
              entity: 'telemetry_series',
              team_id: teamId,
              integration_id: integrationId,
              ...next,
            },
            ...(previous
              ? {
                  ConditionExpression: 'timeNanos = :time AND #value = :value',
                  ExpressionAttributeNames: { '#value': 'value' },
                  ExpressionAttributeValues: { ':time': previous.timeNanos, ':value': previous.value },
                }
              : { ConditionExpression: 'attribute_not_exists(pk)' }),
          }),
        );
        return undefined;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return change;
        throw error;
      }
    });
    return moved.filter((change): change is SeriesChange => change !== undefined);
  }
}
