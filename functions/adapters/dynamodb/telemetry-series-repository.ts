import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { DeveloperSeries, TelemetrySeriesRepository } from '../../domain/ports';
import type { SeriesState } from '../../domain/telemetry/series';
import { keys } from './keys';

const seriesOf = (item: Record<string, unknown>): SeriesState[] =>
  JSON.parse(gunzipSync(Buffer.from(item.states as Uint8Array)).toString('utf8')) as SeriesState[];

/** The sort key of a developer's series: a hash of their key, so keys of any length and character fit. */
const developerSortKey = (developerKey: string): string =>
  keys.telemetryDeveloper(createHash('sha256').update(developerKey).digest('base64url').slice(0, 22));

/**
 * Telemetry series in the Usage table (docs/data-model.md, "Telemetry series"): one item per developer-day,
 * `TEAM#<team>#SERIES#<integration id>#<date>` / `DEV#<hash of the developer key>`, holding that developer's series
 * of the day gzip-compressed (a developer's few dozen series compress to about a kilobyte, one write unit) and a
 * version each write is conditioned on, so two requests merging one developer's day never lose a point. The same
 * partition holds the day's rebuild mark (`REBUILD`).
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
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :dev)',
          ExpressionAttributeValues: {
            ':pk': keys.telemetrySeriesDay(teamId, integrationId, date),
            ':dev': keys.telemetryDeveloper(''),
          },
          ProjectionExpression: 'states',
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) states.push(...seriesOf(item));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return states;
  }

  async getDeveloperDay(
    teamId: string,
    integrationId: string,
    date: string,
    developerKey: string,
  ): Promise<DeveloperSeries | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: keys.telemetrySeriesDay(teamId, integrationId, date), sk: developerSortKey(developerKey) },
        ProjectionExpression: 'states, version',
        ConsistentRead: true,
      }),
    );
    return Item ? { states: seriesOf(Item), version: Number(Item.version) } : undefined;
  }

  async putDeveloperDay(
    teamId: string,
    integrationId: string,
    date: string,
    developerKey: string,
    states: readonly SeriesState[],
    version: number,
  ): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: keys.telemetrySeriesDay(teamId, integrationId, date),
            sk: developerSortKey(developerKey),
            entity: 'telemetry_series',
            team_id: teamId,
            integration_id: integrationId,
            date,
            version: version + 1,
            series_count: states.length,
            states: gzipSync(Buffer.from(JSON.stringify(states))),
          },
          ...(version === 0
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : {
                ConditionExpression: 'version = :version',
                ExpressionAttributeValues: { ':version': version },
              }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async markForRebuild(
    teamId: string,
    integrationId: string,
    date: string,
    now: string,
    staleBefore: string,
  ): Promise<string | undefined> {
    const key = { pk: keys.telemetrySeriesDay(teamId, integrationId, date), sk: keys.telemetryRebuildMark };
    // Most requests find the day marked already: an eventually consistent read costs a tenth of a refused write.
    // A mark it misses is caught by the write's condition.
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: key, ProjectionExpression: 'marked_at' }),
    );
    if (Item && String(Item.marked_at) >= staleBefore) return undefined;
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...key, entity: 'telemetry_rebuild_mark', team_id: teamId, marked_at: now },
          ConditionExpression: 'attribute_not_exists(pk) OR marked_at < :stale',
          ExpressionAttributeValues: { ':stale': staleBefore },
        }),
      );
      return now;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  async isMarkedForRebuild(teamId: string, integrationId: string, date: string): Promise<boolean> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: keys.telemetrySeriesDay(teamId, integrationId, date), sk: keys.telemetryRebuildMark },
        ProjectionExpression: 'marked_at',
        ConsistentRead: true,
      }),
    );
    return Item !== undefined;
  }

  async clearRebuildMark(teamId: string, integrationId: string, date: string): Promise<void> {
    await this.client.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: { pk: keys.telemetrySeriesDay(teamId, integrationId, date), sk: keys.telemetryRebuildMark },
      }),
    );
  }
}
