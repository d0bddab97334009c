import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, S3EventRecord, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { IMPORT_ATTEMPTS, runImport, type RunImportPorts } from '../domain/use-cases/import-usage';
import { importRepository } from '../adapters/dynamodb';
import { s3ImportFiles } from '../adapters/imports';
import { systemClock } from '../adapters/system';
import { lazy } from '../shared/lazy';
import { storeDayPorts } from './store-day-ports';
import { logger, withPowertools } from '../shared/observability';

const KEY = /^imports\/([A-Za-z0-9_-]{1,64})\/(imp_\d{14}_[A-Za-z0-9]{1,20})\.csv$/;

/**
 * The imports queue → one import run per uploaded file. S3 sends "object created" notifications to the queue (a
 * message holds S3 event records; S3's own test event holds none); the key names the team and the import, and
 * only keys this API handed out as upload URLs match. A failed record returns to the queue alone.
 */
export function createImportWorkerHandler(ports: () => RunImportPorts) {
  const processor = new BatchProcessor(EventType.SQS);
  const recordHandler = async (record: SQSRecord): Promise<void> => {
    const event = JSON.parse(record.body) as { Records?: S3EventRecord[] };
    const lastAttempt = Number(record.attributes.ApproximateReceiveCount) >= IMPORT_ATTEMPTS;
    for (const s3 of event.Records ?? []) {
      const key = decodeURIComponent(s3.s3.object.key.replace(/\+/g, ' '));
      const match = KEY.exec(key);
      if (!match) {
        logger.warn('an object that is no import was ignored', { key_length: key.length });
        continue;
      }
      const [, teamId, importId] = match as unknown as [string, string, string];
      logger.appendKeys({ team_id: teamId, import_id: importId });
      try {
        await runImport(teamId, importId, ports(), { lastAttempt });
      } finally {
        logger.removeKeys(['team_id', 'import_id']);
      }
    }
  };
  return withPowertools<SQSEvent, SQSBatchResponse>().handler(async (event: SQSEvent, context: Context) =>
    processPartialResponse(event, recordHandler, processor, { context }),
  );
}

export const handler = createImportWorkerHandler(
  lazy(() => ({
    ...storeDayPorts(),
    imports: importRepository(),
    files: s3ImportFiles(),
    clock: systemClock,
  })),
);
