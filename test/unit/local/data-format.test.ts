import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCAL_DATA_FORMAT, prepareLocalData } from '../../../local/data-format';

/** A local data folder from an older format is rebuilt on start; current data is left alone. */
describe('local data format', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ai-usage-format-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const seed = (format?: number) => {
    mkdirSync(join(dir, 'dynamodb'));
    writeFileSync(join(dir, 'dynamodb', 'shared-local-instance.db'), 'old tables');
    writeFileSync(join(dir, 'secrets.json'), '{}');
    writeFileSync(join(dir, 'jwt-signing-keys.json'), '{"keep":true}');
    writeFileSync(join(dir, 'secret-store.key'), 'key');
    if (format !== undefined) writeFileSync(join(dir, 'format.json'), JSON.stringify({ format }));
  };

  it('marks a new folder with the current format', () => {
    expect(prepareLocalData(dir)).toBe('new');
    expect(JSON.parse(readFileSync(join(dir, 'format.json'), 'utf8'))).toEqual({ format: LOCAL_DATA_FORMAT });
  });

  it('rebuilds data stored before formats were recorded: tables and sealed keys go, signing keys stay', () => {
    seed();
    expect(prepareLocalData(dir)).toBe('rebuilt');
    expect(existsSync(join(dir, 'dynamodb'))).toBe(false);
    expect(existsSync(join(dir, 'secrets.json'))).toBe(false);
    expect(readFileSync(join(dir, 'jwt-signing-keys.json'), 'utf8')).toBe('{"keep":true}');
    expect(existsSync(join(dir, 'secret-store.key'))).toBe(true);
    expect(prepareLocalData(dir)).toBe('new');
  });

  it('rebuilds an older recorded format', () => {
    seed(LOCAL_DATA_FORMAT - 1);
    expect(prepareLocalData(dir)).toBe('rebuilt');
  });

  it('keeps data of the current format', () => {
    seed(LOCAL_DATA_FORMAT);
    expect(prepareLocalData(dir)).toBe('current');
    expect(readFileSync(join(dir, 'dynamodb', 'shared-local-instance.db'), 'utf8')).toBe('old tables');
  });

  it('refuses data of a newer format instead of destroying it', () => {
    seed(LOCAL_DATA_FORMAT + 1);
    expect(() => prepareLocalData(dir)).toThrow(/newer format/);
    expect(existsSync(join(dir, 'dynamodb'))).toBe(true);
  });
});
