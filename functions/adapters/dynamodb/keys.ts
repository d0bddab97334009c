/**
 * Every DynamoDB key of the system, in one place (docs/data-model.md). All keys start with the team,
 * so a query can only ever return the caller's team's items.
 */
export const keys = {
  team: (teamId: string) => `TEAM#${teamId}`,
  integration: (integrationId: string) => `INTEGRATION#${integrationId}`,
  schedulable: (provider: string) => `SCHEDULE#${provider}`,
  /** A provider request budget shared by the team's syncs (functions/adapters/dynamodb/request-pacer.ts). */
  pace: (bucket: string) => `PACE#${bucket}`,
  schedulableSort: (teamId: string, integrationId: string) => `${teamId}#${integrationId}`,
  /** An import of usage (ids sort by time, so a query lists the newest first). */
  import: (importId: string) => `IMPORT#${importId}`,
  importPrefix: 'IMPORT#',
  /** An ingest token's record (name, times, hash) in the team's partition. */
  ingestToken: (tokenId: string) => `INGEST_TOKEN#${tokenId}`,
  ingestTokenPrefix: 'INGEST_TOKEN#',
  /**
   * The one item not under its team: an ingest token's lookup by SHA-256, which names the team. The hash of a
   * 256-bit random token is not guessable, and the item holds no secret.
   */
  ingestTokenLookup: (tokenHash: string) => `INGEST_TOKEN_HASH#${tokenHash}`,
  ingestTokenLookupSort: 'LOOKUP',
  /** The team's roster: a head item (version, settings) and its people in compressed parts. */
  rosterHead: 'ROSTER',
  rosterPart: (part: number) => `ROSTER#PART#${String(part).padStart(3, '0')}`,

  /** Developer rows and raw answers live in one partition per team-day, spreading backfill writes. */
  teamDay: (teamId: string, date: string) => `TEAM#${teamId}#DAY#${date}`,
  usageRow: (integrationId: string, developerKey: string) => `USAGE#${integrationId}#${developerKey}`,
  usageRowPrefix: (integrationId: string) => `USAGE#${integrationId}#`,
  raw: (integrationId: string, part: number) => `RAW#${integrationId}#${String(part).padStart(3, '0')}`,
  rawPrefix: (integrationId: string) => `RAW#${integrationId}#`,

  /**
   * Telemetry series of one integration's day (functions/domain/telemetry/series.ts), one item per developer, and
   * the day's rebuild mark, in a partition of their own: a day's rows are rebuilt from one query of it, and the
   * day partition that fetchers read whole to replace a day does not grow with them.
   */
  telemetrySeriesDay: (teamId: string, integrationId: string, date: string) =>
    `TEAM#${teamId}#SERIES#${integrationId}#${date}`,
  telemetryDeveloper: (developerHash: string) => `DEV#${developerHash}`,
  telemetryRebuildMark: 'REBUILD',
  /** A team's request counts per throttle window, apart from its data (`scope`: what is counted, e.g. `otlp`). */
  throttle: (teamId: string) => `TEAM#${teamId}#THROTTLE`,
  throttleWindow: (scope: string, windowStart: string) => `${scope}#${windowStart}`,

  /** The latest seat snapshot of an integration, in parts (a snapshot of now, not of a day). */
  seats: (integrationId: string, part: number) => `SEATS#${integrationId}#${String(part).padStart(3, '0')}`,
  seatsPrefix: (integrationId: string) => `SEATS#${integrationId}#`,

  /** A day's rows of one integration as one compressed document (what attributing a day reads). */
  digest: (integrationId: string, part: number) => `DIGEST#${integrationId}#${String(part).padStart(3, '0')}`,
  digestPrefix: (integrationId: string) => `DIGEST#${integrationId}#`,

  /** One identity block (functions/domain/identity-blocks.ts) per partition, its parts by sort key. */
  block: (teamId: string, integrationId: string, blockKey: string) =>
    `TEAM#${teamId}#BLOCK#${integrationId}#${blockKey}`,
  part: (part: number) => `PART#${String(part).padStart(3, '0')}`,
  /** The integrations that stored identity blocks (a string set of `<provider>|<integration id>`). */
  blockIndex: 'BLOCKS',
  /** The day's attribution to people and groups. */
  people: (date: string) => `PEOPLE#${date}`,
  peopleFrom: (date: string) => `PEOPLE#${date}`,
  peopleTo: (date: string) => `PEOPLE#${date}~`,
  groupRollup: (group: string, date: string, integrationId: string) =>
    `GROUP#${group}#${date}#${integrationId}`,
  groupRollupFrom: (group: string, date: string) => `GROUP#${group}#${date}`,
  groupRollupTo: (group: string, date: string) => `GROUP#${group}#${date}~`,

  /** The breakdowns of an identity block's days, in the team's partition (one small item the dashboard reads). */
  breakdownBlock: (integrationId: string, blockKey: string) => `BREAKDOWNS#${integrationId}#${blockKey}`,
  ledger: (date: string, integrationId: string) => `LEDGER#${date}#${integrationId}`,
  ledgerFrom: (date: string) => `LEDGER#${date}`,
  /** Upper bound for a BETWEEN on day-prefixed sort keys ("~" sorts after "#" and every id character). */
  ledgerTo: (date: string) => `LEDGER#${date}~`,

  /**
   * Month items: a month of one integration's ledger, and of the team's day attributions, each day as an attribute
   * `dNN` holding what the dashboard shows of it (docs/data-model.md). A year is 13 items an integration, not 365.
   */
  ledgerMonth: (date: string, integrationId: string) => `LEDGER_MONTH#${date.slice(0, 7)}#${integrationId}`,
  ledgerMonthFrom: (date: string) => `LEDGER_MONTH#${date.slice(0, 7)}`,
  ledgerMonthTo: (date: string) => `LEDGER_MONTH#${date.slice(0, 7)}~`,
  peopleMonth: (date: string) => `PEOPLE_MONTH#${date.slice(0, 7)}`,
  peopleMonthFrom: (date: string) => `PEOPLE_MONTH#${date.slice(0, 7)}`,
  peopleMonthTo: (date: string) => `PEOPLE_MONTH#${date.slice(0, 7)}~`,
  /** A day's attribute on its month item (`d01`…`d31`). */
  dayOfMonth: (date: string) => `d${date.slice(8, 10)}`,
};

/** The days a month item holds, in the order of its attributes: `[date, card]` for each `dNN` of the item. */
export function monthDays(item: Record<string, unknown>): [string, Record<string, unknown>][] {
  const month = String(item.month);
  return Object.keys(item)
    .filter((name) => /^d\d{2}$/.test(name))
    .sort()
    .map((name) => [`${month}-${name.slice(1)}`, item[name] as Record<string, unknown>]);
}
