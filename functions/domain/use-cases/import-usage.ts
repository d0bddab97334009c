import { requireAdmin } from './authorization';
import { refreshAfterStoring, type RefreshAttributionPorts } from './refresh-attribution';
import { toIsoDay } from '../dates';
import { ConflictError, ImportFileError, NO_IMPORT, NotFoundError, ValidationError } from '../errors';
import {
  CUSTOM_TOOL,
  ImportReader,
  MAX_IMPORT_BYTES,
  MAX_IMPORT_ROWS,
  type ImportMethod,
  type ImportRecord,
} from '../imports';
import { integrationIdFor } from '../integration-id';
import type { DeveloperDayUsage } from '../metrics';
import type { Caller, Integration } from '../model';
import type {
  Clock,
  IdGenerator,
  ImportFiles,
  ImportRepository,
  IntegrationRepository,
  Log,
  UsageRepository,
} from '../ports';
import type { ManifestCatalog } from '../provider';
import { dayReplacement } from '../stored-day';

/**
 * Imports of usage for tools without an API: a CSV file uploaded straight to storage (POST /imports, then the
 * upload, then an import run when the file lands) or a few rows typed in (POST /imports/manual). Both read
 * every row before storing anything, refuse a file with any bad row whole, and store days the way fetched days
 * are stored — so imported figures have the same day states, people, groups and idempotency: the same file
 * twice changes nothing, a newer file for the same days replaces them whole.
 */
export interface StartImportPorts {
  imports: Pick<ImportRepository, 'create'>;
  files: Pick<ImportFiles, 'uploadTarget'>;
  integrations: Pick<IntegrationRepository, 'get' | 'list' | 'save'>;
  manifests: ManifestCatalog;
  clock: Clock;
  ids: IdGenerator;
}

export interface RunImportPorts extends RefreshAttributionPorts {
  imports: Pick<ImportRepository, 'get' | 'transition'>;
  files: Pick<ImportFiles, 'size' | 'lines'>;
  usage: Pick<UsageRepository, 'replaceDay' | 'getSeats'>;
  clock: Clock;
  log: Log;
}

export type ManualImportPorts = StartImportPorts &
  RunImportPorts & { imports: Pick<ImportRepository, 'create' | 'get' | 'transition'> };

/** Deliveries of an uploaded file's notification before it goes to the dead-letter queue (and the import fails). */
export const IMPORT_ATTEMPTS = 5;
/** A presigned upload stays valid this long. */
export const UPLOAD_SECONDS = 15 * 60;
/** Rows typed in at once. */
export const MAX_MANUAL_ROWS = 1_000;
/** Days stored at once while an import writes. */
const DAYS_AT_ONCE = 4;

export type ImportView = Omit<ImportRecord, 'team_id' | 'file_key'>;

export const importView = ({ team_id: _team, file_key: _key, ...view }: ImportRecord): ImportView => view;

/** The tool an import is for, with the name to show; a 400 that says what to send otherwise. */
function toolOf(
  input: { tool: string; display_name?: string | undefined },
  manifests: ManifestCatalog,
): { tool: string; name: string | undefined } {
  const registered = manifests.find(input.tool);
  if (registered) return { tool: input.tool, name: input.display_name ?? registered.displayName };
  if (!CUSTOM_TOOL.test(input.tool)) {
    throw ValidationError.listing('The import is not valid', [
      {
        field: 'tool',
        message: `must be a provider (${manifests
          .all()
          .map((m) => m.id)
          .join(
            ', ',
          )}) or a tool id of your own: 2–40 lower-case letters, digits or "_", starting with a letter`,
      },
    ]);
  }
  return { tool: input.tool, name: input.display_name };
}

/** The integration that holds a tool's imported usage: one per team and tool, made on the first import. */
async function importIntegration(
  caller: Caller,
  tool: { tool: string; name: string | undefined },
  ports: Pick<StartImportPorts, 'integrations' | 'clock'>,
): Promise<Integration> {
  const integrationId = integrationIdFor(caller.teamId, tool.tool, 'import');
  const existing = await ports.integrations.get(caller.teamId, integrationId);
  if (existing) return existing;
  // Usage of a tool the team syncs through its API comes from there: imported days would count it twice.
  const synced = (await ports.integrations.list(caller.teamId)).find(
    (integration) => integration.provider === tool.tool && integration.source !== 'import',
  );
  if (synced) {
    throw new ConflictError(
      `${synced.name} ${synced.source === 'telemetry' ? 'receives telemetry' : 'is connected through its API'} (${synced.integration_id}): its usage comes from there, and imported rows would count it twice. Import under a tool id of your own, or delete that integration first.`,
    );
  }
  if (tool.name === undefined) {
    // Asked on a tool's first import only: later imports of the tool keep the name it was given.
    throw ValidationError.listing('The import is not valid', [
      {
        field: 'display_name',
        message: 'is required on the first import of a tool of your own: the name to show',
      },
    ]);
  }
  const now = ports.clock.now().toISOString();
  const integration: Integration = {
    team_id: caller.teamId,
    integration_id: integrationId,
    provider: tool.tool,
    name: tool.name,
    account: { id: 'import', name: 'Imported files and rows' },
    options: {},
    status: 'active',
    // Nothing to sync: imported days are stored when an import runs.
    sync_enabled: false,
    secret_ref: 'none',
    created_at: now,
    created_by: caller.subject,
    updated_at: now,
    version: 1,
    source: 'import',
  };
  if (await ports.integrations.save(integration)) return integration;
  // Another import of the tool made it at the same moment: that one stands.
  const made = await ports.integrations.get(caller.teamId, integrationId);
  if (!made) throw new Error(`the import integration ${integrationId} was neither made nor found`);
  return made;
}

function newRecord(
  caller: Caller,
  integration: Integration,
  method: ImportMethod,
  ports: Pick<StartImportPorts, 'clock' | 'ids'>,
): ImportRecord {
  const now = ports.clock.now().toISOString();
  // Ids that sort by time (`imp_20261130113501_…`): the team's imports list newest first from one query.
  const importId = `imp_${now.replace(/\D/g, '').slice(0, 14)}_${ports.ids.newId('x').slice(2, 14)}`;
  return {
    team_id: caller.teamId,
    import_id: importId,
    integration_id: integration.integration_id,
    tool: integration.provider,
    tool_name: integration.name,
    method,
    state: method === 'csv' ? 'pending' : 'validating',
    created_at: now,
    created_by: caller.subject,
    updated_at: now,
    file_key: method === 'csv' ? `imports/${caller.teamId}/${importId}.csv` : null,
    file_bytes: null,
    rows: 0,
    developers: 0,
    period: null,
    errors: [],
    error_count: 0,
    message: null,
  };
}

/** POST /imports: the import, and where to upload its file (a presigned PUT, valid UPLOAD_SECONDS). */
export async function startImport(
  caller: Caller,
  input: { tool: string; display_name?: string | undefined },
  ports: StartImportPorts,
): Promise<{ import: ImportView; upload: Awaited<ReturnType<ImportFiles['uploadTarget']>> }> {
  requireAdmin(caller);
  const integration = await importIntegration(caller, toolOf(input, ports.manifests), ports);
  const record = newRecord(caller, integration, 'csv', ports);
  await ports.imports.create(record);
  return {
    import: importView(record),
    upload: await ports.files.uploadTarget(record.file_key as string, UPLOAD_SECONDS),
  };
}

/** Stores checked days as fetched days are stored, then what sits above them (people, groups). */
async function storeDays(
  record: ImportRecord,
  days: { date: string; rows: DeveloperDayUsage[] }[],
  ports: RunImportPorts,
): Promise<void> {
  const now = ports.clock.now().toISOString();
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(DAYS_AT_ONCE, days.length) }, async () => {
      while (next < days.length) {
        const day = days[next++] as (typeof days)[number];
        await ports.usage.replaceDay(
          dayReplacement({
            team_id: record.team_id,
            integration_id: record.integration_id,
            provider: record.tool,
            sync_id: record.import_id,
            date: day.date,
            rows: day.rows,
            raw: { method: record.method, import_id: record.import_id, rows: day.rows },
            attempts: 0,
            now,
          }),
        );
      }
    }),
  );
  await refreshAfterStoring(
    record.team_id,
    { integration_id: record.integration_id, provider: record.tool },
    days.map((day) => day.date),
    ports,
  );
}

/**
 * Runs a CSV import once its file has landed (the storage event; a duplicate event finds it done and returns).
 * Reads the whole file first — every problem kept, with its line and column — and stores nothing unless every
 * row is good. A failure while storing is thrown for the queue to try again (days are replaced whole, so a
 * retry finishes the import); on the last try the import is marked failed with the reason.
 */
export async function runImport(
  teamId: string,
  importId: string,
  ports: RunImportPorts,
  options: { lastAttempt: boolean } = { lastAttempt: true },
): Promise<ImportRecord | undefined> {
  const record = await ports.imports.get(teamId, importId);
  if (!record || record.method !== 'csv' || !record.file_key) return undefined;
  // `validating` again: an earlier try stopped half-way (storing is idempotent, so it starts over).
  if (
    !(await ports.imports.transition(teamId, importId, ['pending', 'validating'], {
      state: 'validating',
      updated_at: ports.clock.now().toISOString(),
    }))
  ) {
    ports.log.info('import already done', { import_id: importId, state: record.state });
    return record;
  }
  const finish = async (change: Partial<ImportRecord>) => {
    const final = { ...change, updated_at: ports.clock.now().toISOString() };
    await ports.imports.transition(teamId, importId, ['validating'], final);
    return { ...record, ...final } as ImportRecord;
  };
  const bytes = await ports.files.size(record.file_key);
  if (bytes === undefined) {
    return finish({ state: 'failed', message: 'No file was uploaded for this import.' });
  }
  const reject = (reader: ImportReader) =>
    finish({
      state: 'rejected',
      file_bytes: bytes,
      rows: reader.rows,
      errors: reader.issues,
      error_count: reader.errorCount,
      message: `The file was refused: ${reader.errorCount} problem${reader.errorCount === 1 ? '' : 's'}; nothing was stored.`,
    });
  const reader = new ImportReader({
    tool: record.tool,
    today: toIsoDay(ports.clock.now()),
    method: 'csv',
    import_id: importId,
  });
  if (bytes === 0) {
    reader.issue(1, null, 'the file is empty: upload the template with one row per developer and day');
    return reject(reader);
  }
  if (bytes > MAX_IMPORT_BYTES) {
    reader.issue(
      1,
      null,
      `the file has ${bytes} bytes; an import takes at most ${MAX_IMPORT_BYTES} (split it by period)`,
    );
    return reject(reader);
  }
  let header: string[] | undefined;
  try {
    for await (const { line, values } of ports.files.lines(record.file_key)) {
      if (!header) {
        header = values.map((value) => value.trim());
        if (!reader.header(header)) break;
        continue;
      }
      if (values.length !== header.length) {
        reader.issue(line, null, `has ${values.length} fields, the header ${header.length}`);
        continue;
      }
      reader.row(line, Object.fromEntries(header.map((column, index) => [column, values[index]])));
      if (reader.rows > MAX_IMPORT_ROWS) {
        reader.issue(line, null, `an import takes at most ${MAX_IMPORT_ROWS} rows (split it by period)`);
        break;
      }
    }
  } catch (error) {
    if (!(error instanceof ImportFileError)) throw error;
    reader.issue(error.line, null, error.message);
  }
  if (reader.errorCount > 0) return reject(reader);
  if (!header) reader.issue(1, null, 'the file has no header line: start with the template’s header');
  else if (reader.rows === 0 && reader.errorCount === 0)
    reader.issue(2, null, 'the file has a header but no rows');
  if (!reader.accepted) return reject(reader);

  const result = reader.result();
  try {
    await storeDays(record, result.days, ports);
  } catch (error) {
    if (options.lastAttempt) {
      await finish({ state: 'failed', message: 'Storing the checked rows failed; upload the file again.' });
    }
    throw error;
  }
  ports.log.info('import stored', { import_id: importId, rows: result.rows, days: result.days.length });
  return finish({
    state: 'imported',
    file_bytes: bytes,
    rows: result.rows,
    developers: result.developers,
    period: result.period,
    message: null,
  });
}

/** POST /imports/manual: rows typed in, through the same checks and writes as a file; a 400 lists each problem. */
export async function importManual(
  caller: Caller,
  input: { tool: string; display_name?: string | undefined; rows: Record<string, unknown>[] },
  ports: ManualImportPorts,
): Promise<ImportView> {
  requireAdmin(caller);
  const tool = toolOf(input, ports.manifests);
  if (input.rows.length === 0 || input.rows.length > MAX_MANUAL_ROWS) {
    throw ValidationError.listing('The import is not valid', [
      { field: 'rows', message: `must hold 1 to ${MAX_MANUAL_ROWS} rows` },
    ]);
  }
  const reader = new ImportReader({
    tool: tool.tool,
    today: toIsoDay(ports.clock.now()),
    method: 'manual',
    import_id: 'manual',
  });
  input.rows.forEach((row, index) =>
    reader.row(
      index + 2,
      Object.fromEntries(
        Object.entries(row).map(([key, value]) => [
          key,
          value === null || value === undefined ? '' : String(value),
        ]),
      ),
    ),
  );
  if (!reader.accepted) {
    throw ValidationError.listing(
      'The rows are not valid; nothing was stored',
      reader.issues.map((issue) => ({
        field: `rows.${issue.line - 2}${issue.column ? `.${issue.column}` : ''}`,
        message: issue.message,
      })),
    );
  }
  const integration = await importIntegration(caller, tool, ports);
  const record = newRecord(caller, integration, 'manual', ports);
  await ports.imports.create(record);
  const result = reader.result();
  await storeDays(record, result.days, ports);
  const done: Partial<ImportRecord> = {
    state: 'imported',
    rows: result.rows,
    developers: result.developers,
    period: result.period,
    updated_at: ports.clock.now().toISOString(),
  };
  await ports.imports.transition(caller.teamId, record.import_id, ['validating'], done);
  return importView({ ...record, ...done });
}

export interface ReadImportsPorts {
  imports: Pick<ImportRepository, 'get' | 'list'>;
}

export async function getImport(
  caller: Caller,
  importId: string,
  ports: ReadImportsPorts,
): Promise<ImportView> {
  const record = await ports.imports.get(caller.teamId, importId);
  if (!record) throw new NotFoundError(NO_IMPORT);
  return importView(record);
}

export async function listImports(caller: Caller, ports: ReadImportsPorts): Promise<ImportView[]> {
  return (await ports.imports.list(caller.teamId, 50)).map(importView);
}

/**
 * Imported and pushed usage is not synced: the integration of a tool's imports, or of its telemetry, refuses
 * what only API integrations do.
 */
export function refuseForImports(integration: Integration, what: string): void {
  if (integration.source === 'import') {
    throw new ConflictError(
      `${integration.name} holds imported usage: it has no provider to ${what}. Import a newer file instead (POST /api/ai-usage/imports).`,
    );
  }
  if (integration.source === 'telemetry') {
    throw new ConflictError(
      `${integration.name} holds telemetry your machines send (POST /api/ai-usage/otlp/v1/metrics): it has no provider to ${what}.`,
    );
  }
}
