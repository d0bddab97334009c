import type { ImportRecord, ImportState } from '../../../../functions/domain/imports';
import type { FileLine, ImportFiles, ImportRepository } from '../../../../functions/domain/ports';
import { runImport, type RunImportPorts } from '../../../../functions/domain/use-cases/import-usage';
import {
  MemoryAttributionStore,
  MemoryRoster,
  MemoryUsage,
  failure,
  fixedClock,
  memoryLog,
} from '../../../helpers/memory-ports';
import { manifestCatalog } from '../../../../functions/providers/manifests';

/** An import run's states when storing fails, with the file and the store in memory. */
const TEAM = 'team-a';
const ID = 'imp_20260615120000_abc';

class MemoryImports implements Pick<ImportRepository, 'get' | 'transition'> {
  constructor(public record: ImportRecord) {}
  async get() {
    return { ...this.record };
  }
  async transition(_team: string, _id: string, from: readonly ImportState[], change: Partial<ImportRecord>) {
    if (!from.includes(this.record.state)) return false;
    this.record = { ...this.record, ...change };
    return true;
  }
}

function files(lines: string[][]): Pick<ImportFiles, 'size' | 'lines'> {
  return {
    size: async () => lines.flat().join(',').length,
    async *lines(): AsyncIterable<FileLine> {
      for (const [index, values] of lines.entries()) yield { line: index + 1, values };
    },
  };
}

function setup(replaceFails: number) {
  const imports = new MemoryImports({
    team_id: TEAM,
    import_id: ID,
    integration_id: 'int_import',
    tool: 'chatgpt',
    tool_name: 'ChatGPT',
    method: 'csv',
    state: 'pending',
    created_at: '2026-06-15T12:00:00.000Z',
    created_by: 'admin',
    updated_at: '2026-06-15T12:00:00.000Z',
    file_key: `imports/${TEAM}/${ID}.csv`,
    file_bytes: null,
    rows: 0,
    developers: 0,
    period: null,
    errors: [],
    error_count: 0,
    message: null,
  });
  const usage = new MemoryUsage();
  let failures = replaceFails;
  const replaceDay = usage.replaceDay.bind(usage);
  usage.replaceDay = async (day) => {
    if (failures-- > 0) throw new Error('throttled');
    return replaceDay(day);
  };
  const ports: RunImportPorts = {
    imports,
    files: files([
      ['date', 'email', 'interactions'],
      ['2026-06-10', 'ana@example.org', '4'],
      ['2026-06-12', 'ana@example.org', '2'],
    ]),
    usage,
    attribution: new MemoryAttributionStore(usage),
    roster: new MemoryRoster(),
    clock: fixedClock('2026-06-15T12:00:00Z'),
    manifests: manifestCatalog,
    log: memoryLog(),
  };
  return { imports, usage, ports };
}

describe('running an import when storing fails', () => {
  it('throws for the queue to try again, the import still validating; the retry finishes it', async () => {
    const { imports, usage, ports } = setup(1);
    expect((await failure(runImport(TEAM, ID, ports, { lastAttempt: false }))).message).toBe('throttled');
    expect(imports.record.state).toBe('validating');
    const done = await runImport(TEAM, ID, ports, { lastAttempt: false });
    expect(done).toMatchObject({ state: 'imported', rows: 2, developers: 1 });
    expect(imports.record.period).toEqual({ start_date: '2026-06-10', end_date: '2026-06-12' });
    // Three days (the one between is a quiet day), each stored once in the end.
    expect(new Set(usage.replaced)).toEqual(
      new Set(['int_import|2026-06-10', 'int_import|2026-06-11', 'int_import|2026-06-12']),
    );
  });

  it('on the last try marks the import failed with what to do, and still throws (the message goes to the DLQ)', async () => {
    const { imports, ports } = setup(100);
    await failure(runImport(TEAM, ID, ports, { lastAttempt: true }));
    expect(imports.record).toMatchObject({
      state: 'failed',
      message: 'Storing the checked rows failed; upload the file again.',
    });
  });

  it('a run of a finished import changes nothing', async () => {
    const { imports, usage, ports } = setup(0);
    await runImport(TEAM, ID, ports);
    const stored = usage.replaced.length;
    const record = { ...imports.record };
    await runImport(TEAM, ID, ports);
    expect(usage.replaced).toHaveLength(stored);
    expect(imports.record).toEqual(record);
  });
});
