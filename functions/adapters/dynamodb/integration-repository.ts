import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { ConflictError, NO_INTEGRATION, NotFoundError } from '../../domain/errors';
import type { Integration } from '../../domain/model';
import type { IntegrationRepository } from '../../domain/ports';
import { keys } from './keys';

const SCHEDULE_INDEX = 'schedulable-by-provider';
const STORAGE_FIELDS = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'entity'];

function toItem(integration: Integration): Record<string, unknown> {
  const schedulable = integration.status === 'active' && integration.sync_enabled;
  return {
    pk: keys.team(integration.team_id),
    sk: keys.integration(integration.integration_id),
    entity: 'integration',
    // Sparse index: only integrations the scheduler should visit carry these attributes.
    ...(schedulable
      ? {
          gsi1pk: keys.schedulable(integration.provider),
          gsi1sk: keys.schedulableSort(integration.team_id, integration.integration_id),
        }
      : {}),
    ...integration,
  };
}

function fromItem(item: Record<string, unknown>): Integration {
  const copy = { ...item };
  for (const field of STORAGE_FIELDS) delete copy[field];
  return copy as unknown as Integration;
}

export class DynamoIntegrationRepository implements IntegrationRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async save(integration: Integration): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: toItem(integration),
          ...(integration.version <= 1
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : {
                ConditionExpression: 'version = :previous',
                ExpressionAttributeValues: { ':previous': integration.version - 1 },
              }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async get(teamId: string, integrationId: string): Promise<Integration | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: keys.team(teamId), sk: keys.integration(integrationId) },
        ConsistentRead: true,
      }),
    );
    return Item ? fromItem(Item) : undefined;
  }

  async list(teamId: string): Promise<Integration[]> {
    const items: Integration[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': keys.team(teamId), ':prefix': 'INTEGRATION#' },
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(page.Items ?? []).map(fromItem));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items.sort((a, b) => a.created_at.localeCompare(b.created_at));
  }

  async *listSchedulable(provider: string): AsyncIterable<{ team_id: string; integration_id: string }> {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: SCHEDULE_INDEX,
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.schedulable(provider) },
          ProjectionExpression: 'team_id, integration_id',
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        yield { team_id: String(item.team_id), integration_id: String(item.integration_id) };
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }

  async update(
    teamId: string,
    integrationId: string,
    change: (current: Integration) => Partial<Integration>,
  ): Promise<Integration> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.get(teamId, integrationId);
      if (!current) throw new NotFoundError(NO_INTEGRATION);
      const next: Integration = { ...current, ...change(current), version: current.version + 1 };
      for (const [field, value] of Object.entries(next)) {
        if (value === undefined) delete (next as unknown as Record<string, unknown>)[field];
      }
      try {
        await this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: toItem(next),
            ConditionExpression: 'attribute_exists(pk) AND version = :version',
            ExpressionAttributeValues: { ':version': current.version },
          }),
        );
        return next;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        if (attempt >= 5) throw new ConflictError('The integration changed concurrently; try again.');
      }
    }
  }

  async claimManualSync(
    teamId: string,
    integrationId: string,
    now: Date,
    windowSeconds: number,
  ): Promise<{ claimed: true } | { claimed: false; retryAfterSeconds: number }> {
    const cutoff = new Date(now.getTime() - windowSeconds * 1000).toISOString();
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: keys.team(teamId), sk: keys.integration(integrationId) },
          UpdateExpression: 'SET last_manual_sync_at = :now, version = version + :one',
          ConditionExpression:
            'attribute_exists(pk) AND (attribute_not_exists(last_manual_sync_at) OR last_manual_sync_at <= :cutoff)',
          ExpressionAttributeValues: { ':now': now.toISOString(), ':cutoff': cutoff, ':one': 1 },
        }),
      );
      return { claimed: true };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const current = await this.get(teamId, integrationId);
      if (!current) throw new NotFoundError(NO_INTEGRATION);
      const last = Date.parse(current.last_manual_sync_at ?? now.toISOString());
      const retryAfterSeconds = Math.max(1, Math.ceil((last + windowSeconds * 1000 - now.getTime()) / 1000));
      return { claimed: false, retryAfterSeconds };
    }
  }

  async delete(teamId: string, integrationId: string): Promise<void> {
    await this.client.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: { pk: keys.team(teamId), sk: keys.integration(integrationId) },
      }),
    );
  }
}
