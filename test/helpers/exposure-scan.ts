import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { EXPOSURE_PLACES, type ExposurePlace } from '../../local/exposure-capture';

/**
 * The secret exposure check's reading: every provider key of the list, whole, in any 16 characters of its secret
 * part, or base64-encoded (an HTTP Basic header), and any token shaped like a provider key, listed or not, in
 * every record of a capture folder (local/exposure-capture.ts). It names what it finds by the key's name and
 * where; it never prints a key.
 */
export interface ListedKey {
  name: string;
  key: string;
}

export interface Finding {
  place: ExposurePlace;
  /** The capture file, relative to the capture folder, and the line in it (1-based). */
  file: string;
  line: number;
  /** What was found, e.g. "cursorRotated (16 characters of it)"; never the key. */
  what: string;
}

export interface ScanResult {
  keys: number;
  /** Records per place (files: files read). */
  counts: Record<ExposurePlace, number>;
  bytes: number;
  findings: Finding[];
}

/** A part of a key this long found anywhere is a finding. */
export const FRAGMENT_LENGTH = 16;
/** …unless it is too plain to be the key's (`0000…`, `aBaB…`): a part counts with this many different characters. */
const MIN_DISTINCT_CHARACTERS = 8;

/** Each provider's public key prefix: not secret, so parts are taken from what follows it. */
const PUBLIC_PREFIX = /^(sk-ant-[a-z]+\d{2}-|gh[a-z]_|github_pat_|crsr_|key_|aiu_ingest_)/;

/** Key shapes (the providers' formats, with bodies long enough to be real): found even when not listed. */
const KEY_SHAPES: { name: string; pattern: RegExp }[] = [
  { name: 'Anthropic key', pattern: /sk-ant-[a-z]+\d{2}-[A-Za-z0-9_-]{20,}/g },
  { name: 'GitHub token', pattern: /(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{30,}/g },
  { name: 'GitHub fine-grained token', pattern: /(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{40,}/g },
  { name: 'Cursor key', pattern: /(?<![A-Za-z0-9_])crsr_[A-Za-z0-9]{64}/g },
  { name: 'Ingest token', pattern: /(?<![A-Za-z0-9_])aiu_ingest_[A-Za-z0-9_-]{43}/g },
];

const KEY_CHARACTER = /^[A-Za-z0-9_-]$/;
/** Characters a key or its base64 form is made of; runs of them are read, the rest skipped. */
const RUN_CHARACTER = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-+/')
  RUN_CHARACTER[c.charCodeAt(0)] = 1;

/** The runs of key characters at least a fragment long (a loop, not a regular expression: it reads each once). */
function keyCharacterRuns(text: string): { index: number; token: string }[] {
  const runs: { index: number; token: string }[] = [];
  let start = -1;
  for (let i = 0; i <= text.length; i++) {
    const code = i < text.length ? text.charCodeAt(i) : 0;
    if (code < 128 && RUN_CHARACTER[code] === 1) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      if (i - start >= FRAGMENT_LENGTH) runs.push({ index: start, token: text.slice(start, i) });
      start = -1;
    }
  }
  return runs;
}

interface Owner {
  name: string;
  key: string;
  /** How a fragment shows the key: "16 characters of it" or "base64-encoded". */
  form: string;
}

interface Needles {
  /** Every listed key: a key-shaped token that holds one is that key, not an unlisted one. */
  keys: readonly ListedKey[];
  /** Keys with too short a secret part for fragments: matched whole, as a token of their own (`ghp_x`, not `ghp_xy…`). */
  short: ListedKey[];
  /** Each fragment and the keys it belongs to. */
  fragments: Map<string, Owner[]>;
}

const distinct = (text: string) => new Set(text).size;

function addWindows(needles: Needles, text: string, owner: Owner): number {
  let added = 0;
  for (let i = 0; i + FRAGMENT_LENGTH <= text.length; i++) {
    const window = text.slice(i, i + FRAGMENT_LENGTH);
    if (distinct(window) < MIN_DISTINCT_CHARACTERS) continue;
    const owners = needles.fragments.get(window) ?? [];
    if (!owners.some((other) => other.name === owner.name)) owners.push(owner);
    needles.fragments.set(window, owners);
    added++;
  }
  return added;
}

/** What the scan looks for, per key: its secret part's 16-character windows and its base64 forms, or itself. */
export function needlesOf(keys: readonly ListedKey[]): Needles {
  const needles: Needles = { keys, short: [], fragments: new Map() };
  for (const { name, key } of keys) {
    const secret = key.slice(PUBLIC_PREFIX.exec(key)?.[0].length ?? 0);
    const plain = addWindows(needles, secret, { name, key, form: `${FRAGMENT_LENGTH} characters of it` });
    if (plain === 0) needles.short.push({ name, key });
    // In any base64 stream, whole 3-byte groups of the secret start at one of its first three bytes.
    const bytes = Buffer.from(secret);
    for (let shift = 0; shift < 3; shift++) {
      const groups = bytes.subarray(shift, shift + Math.floor((bytes.length - shift) / 3) * 3);
      addWindows(needles, groups.toString('base64'), { name, key, form: 'base64-encoded' });
    }
  }
  return needles;
}

interface Hit {
  index: number;
  what: string;
}

/**
 * The keys in one run of key characters: a key found whole is named once as such; otherwise each key and form
 * whose windows are in the run, except one whose windows another key's cover and outnumber (the demo keys
 * share "DemoOnlyLocalFake": the run names the key more of it belongs to).
 */
function keysInRun(run: { index: number; token: string }, needles: Needles): Hit[] {
  let candidates: Map<string, { owner: Owner; first: number; windows: Set<number> }> | undefined;
  for (let i = 0; i + FRAGMENT_LENGTH <= run.token.length; i++) {
    const owners = needles.fragments.get(run.token.slice(i, i + FRAGMENT_LENGTH));
    if (!owners) continue;
    candidates ??= new Map();
    for (const owner of owners) {
      const id = `${owner.name} (${owner.form})`;
      const candidate = candidates.get(id) ?? { owner, first: i, windows: new Set<number>() };
      candidate.windows.add(i);
      candidates.set(id, candidate);
    }
  }
  if (!candidates) return [];
  const hits: Hit[] = [];
  const whole = new Set<string>();
  for (const { owner } of candidates.values()) {
    const at = whole.has(owner.name) ? -1 : run.token.indexOf(owner.key);
    if (at < 0) continue;
    whole.add(owner.name);
    hits.push({ index: run.index + at, what: `${owner.name} (whole)` });
  }
  const all = [...candidates.values()];
  for (const [id, candidate] of candidates) {
    if (whole.has(candidate.owner.name)) continue;
    const outdone = all.some(
      (other) =>
        other.windows.size > candidate.windows.size &&
        [...candidate.windows].every((window) => other.windows.has(window)),
    );
    if (!outdone) hits.push({ index: run.index + candidate.first, what: id });
  }
  return hits;
}

/** Every listed key, part of one or unlisted key-shaped token in a text; `ignore` holds tokens not to report. */
export function findKeys(text: string, needles: Needles, ignore: ReadonlySet<string> = new Set()): Hit[] {
  const hits: Hit[] = [];
  for (const { name, key } of needles.short) {
    for (let index = text.indexOf(key); index >= 0; index = text.indexOf(key, index + 1)) {
      const before = text[index - 1] ?? '';
      const after = text[index + key.length] ?? '';
      if (!KEY_CHARACTER.test(before) && !KEY_CHARACTER.test(after))
        hits.push({ index, what: `${name} (whole)` });
    }
  }
  for (const run of keyCharacterRuns(text)) hits.push(...keysInRun(run, needles));
  for (const { name, pattern } of KEY_SHAPES) {
    for (const match of text.matchAll(pattern)) {
      const token = match[0];
      if (ignore.has(token) || needles.keys.some(({ key }) => token.includes(key))) continue;
      hits.push({ index: match.index, what: `an unlisted ${name} (${token.length} characters)` });
    }
  }
  return hits.sort((a, b) => a.index - b.index);
}

/** The tokens of a text shaped like a provider key. */
export function keyShapedTokens(text: string): string[] {
  return KEY_SHAPES.flatMap(({ pattern }) => [...text.matchAll(pattern)].map((match) => match[0]));
}

function filesUnder(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

function countLines(text: string): number {
  let lines = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
  return lines;
}

/**
 * Reads every place of a capture folder. Records are read as text; the files of `files/` (DynamoDB Local's
 * database, sealed secrets) byte for byte, so a key stored in them in the clear shows as well.
 */
export function scanCapture(
  dir: string,
  keys: readonly ListedKey[],
  options: { ignore?: ReadonlySet<string> } = {},
): ScanResult {
  const needles = needlesOf(keys);
  const counts = Object.fromEntries(EXPOSURE_PLACES.map((place) => [place, 0])) as Record<
    ExposurePlace,
    number
  >;
  const findings: Finding[] = [];
  let bytes = 0;
  for (const place of EXPOSURE_PLACES) {
    for (const path of filesUnder(join(dir, place))) {
      const content = readFileSync(path);
      bytes += content.length;
      const text = content.toString(place === 'files' ? 'latin1' : 'utf8');
      counts[place] += place === 'files' ? 1 : countLines(text);
      for (const hit of findKeys(text, needles, options.ignore)) {
        findings.push({ place, file: relative(dir, path), line: lineOf(text, hit.index), what: hit.what });
      }
    }
  }
  return { keys: keys.length, counts, bytes, findings };
}

const number = (value: number) => value.toLocaleString('en-US');

/** The line the test run prints, e.g. "secret exposure check: 31 keys × 6 places (…): 0 found". */
export function summaryLine(result: ScanResult): string {
  const { counts } = result;
  const places = [
    `${number(counts.logs)} log lines`,
    `${number(counts.responses)} responses`,
    `${number(counts.items)} items`,
    `${number(counts.errors)} errors`,
    `${number(counts.env)} environments`,
    `${number(counts.files)} files`,
  ].join(', ');
  return (
    `secret exposure check: ${result.keys} keys × ${EXPOSURE_PLACES.length} places (${places}; ` +
    `${(result.bytes / 1e6).toFixed(1)} MB): ${number(result.findings.length)} found`
  );
}
