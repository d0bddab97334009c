import { gunzipSync } from 'node:zlib';
import type { ExposureCapture } from '../../local/exposure-capture';

/**
 * Table items for the secret exposure check, kept as they are written (capture-item-writes.ts wraps the DynamoDB
 * clients' `send`): one record per item a write command carries, with binary attributes as their bytes and
 * gzip-compressed ones unpacked, so a key inside a compressed block shows as well.
 */
type Input = Record<string, unknown>;
type Write = { table?: string; write: unknown };

const binary = (value: ArrayBufferView): string => {
  const bytes = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      return gunzipSync(bytes).toString('utf8');
    } catch {
      // Not gzip after all: its bytes as they are.
    }
  }
  return bytes.toString('latin1');
};

/** JSON of an item with binary values as their (unpacked) bytes. */
function itemJson(write: Write): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(write, function (this: Record<string, unknown>, key: string, value: unknown) {
      const original = this[key];
      return ArrayBuffer.isView(original) ? binary(original) : value;
    }),
  ) as Record<string, unknown>;
}

/** The items a write command carries, one per item (a batch or a transaction gives several). */
export function writtenItems(command: { constructor: { name: string }; input?: unknown }): Write[] {
  const input = (command.input ?? {}) as Input;
  const table = input.TableName as string | undefined;
  switch (command.constructor.name) {
    case 'PutItemCommand':
    case 'PutCommand':
      return [{ table, write: input.Item }];
    case 'UpdateItemCommand':
    case 'UpdateCommand':
      return [
        {
          table,
          write: { Key: input.Key, values: input.ExpressionAttributeValues, updates: input.AttributeUpdates },
        },
      ];
    case 'BatchWriteItemCommand':
    case 'BatchWriteCommand':
      return Object.entries(
        (input.RequestItems ?? {}) as Record<string, { PutRequest?: { Item?: unknown } }[]>,
      )
        .flatMap(([name, requests]) =>
          requests.map((request) => ({ table: name, write: request.PutRequest?.Item })),
        )
        .filter((item) => item.write !== undefined);
    case 'TransactWriteItemsCommand':
    case 'TransactWriteCommand':
      return ((input.TransactItems ?? []) as Record<string, Input | undefined>[]).flatMap((entry) => {
        const put = entry.Put;
        const update = entry.Update;
        if (put) return [{ table: put.TableName as string, write: put.Item }];
        if (update)
          return [
            {
              table: update.TableName as string,
              write: { Key: update.Key, values: update.ExpressionAttributeValues },
            },
          ];
        return [];
      });
    default:
      return [];
  }
}

export function recordItemWrites(
  capture: ExposureCapture,
  command: { constructor: { name: string }; input?: unknown },
): void {
  capture.recordAll('items', writtenItems(command).map(itemJson));
}
