import type { DashboardResponse, DevelopersResponse, SeatsResponse } from './responses';

/** A CSV export: its column names (the header row, stable) and a row of values per record. */
export interface CsvTable<Row> {
  columns: readonly string[];
  row(record: Row): readonly (string | number | boolean | null | undefined)[];
}

/**
 * The CSV exports (`format=csv` or `Accept: text/csv`): their columns — stable names, the header row — and how a
 * record of the JSON answer becomes a row. Documented in docs/api.md and the OpenAPI document.
 */

type SeriesPoint = DashboardResponse['series']['points'][number];
type SeriesRow = { point: SeriesPoint; tool: SeriesPoint['tools'][number] | null; name: string };

/**
 * GET /dashboard: the series in long form — per day (or week), a row for all tools (`tool` = `all`: the count,
 * state and distinct people; no acceptance, which is per tool only) and a row per tool.
 */
export const seriesCsv: CsvTable<SeriesRow> = {
  columns: [
    'start_date',
    'end_date',
    'days',
    'state',
    'tool',
    'tool_name',
    'interactions',
    'active_developers',
    'suggestions_shown',
    'suggestions_accepted',
    'acceptance_rate',
  ],
  row: ({ point, tool, name }) => [
    point.start_date,
    point.end_date,
    point.days,
    tool ? tool.state : point.state,
    tool ? tool.provider : 'all',
    name,
    tool ? tool.interactions : point.count,
    tool ? tool.active_developers : point.active_developers,
    tool?.suggestions_shown,
    tool?.suggestions_accepted,
    tool?.acceptance_rate,
  ],
};

export function seriesRows(dashboard: DashboardResponse): SeriesRow[] {
  const names = new Map(dashboard.tools.map((tool) => [tool.provider, tool.name]));
  return dashboard.series.points.flatMap((point) => [
    { point, tool: null, name: 'All tools' },
    ...point.tools.map((tool) => ({ point, tool, name: names.get(tool.provider) ?? tool.provider })),
  ]);
}

type DeveloperRow = DevelopersResponse['developers'][number];

/** A person's tool in the `tools` cell: its interactions, and its own acceptance where it showed suggestions. */
const toolCell = (tool: DeveloperRow['tools'][number]) =>
  `${tool.name}: ${tool.metrics.interactions}${tool.acceptance_rate === null ? '' : ` (acceptance ${tool.acceptance_rate})`}`;

/**
 * GET /dashboard/developers: a row per person (or identity matching nobody), every row, in the order asked.
 * `acceptance_rate` stays a column for existing readers and is empty: acceptance is per tool, in `tools`.
 */
export const developersCsv: CsvTable<DeveloperRow> = {
  columns: [
    'id',
    'kind',
    'display_name',
    'groups',
    'emails',
    'logins',
    'active_days',
    'interactions',
    'acceptance_rate',
    'cost_cents',
    'tools',
  ],
  row: (row) => [
    row.id,
    row.kind,
    row.display_name,
    row.groups.join('; '),
    [...new Set(row.identities.flatMap((identity) => (identity.email ? [identity.email] : [])))].join('; '),
    [...new Set(row.identities.flatMap((identity) => (identity.login ? [identity.login] : [])))].join('; '),
    row.active_days,
    row.interactions,
    row.acceptance_rate,
    row.cost_cents,
    row.tools.map(toolCell).join('; '),
  ],
};

type SeatRow = SeatsResponse['seats'][number] & { tool_name: string };

/** GET /dashboard/seats: a row per licence, unused ones first. */
export const seatsCsv: CsvTable<SeatRow> = {
  columns: [
    'tool',
    'tool_name',
    'developer_id',
    'display_name',
    'email',
    'login',
    'assigned_at',
    'last_activity_at',
    'idle_days',
    'active_in_period',
    'plan_type',
    'assigning_team',
    'pending_cancellation_date',
    'cycle_spend_cents',
  ],
  row: (seat) => [
    seat.provider,
    seat.tool_name,
    seat.developer_id,
    seat.display_name,
    seat.developer.email,
    seat.developer.login,
    seat.assigned_at,
    seat.last_activity_at,
    seat.idle_days,
    seat.active_in_period,
    seat.plan_type,
    seat.assigning_team,
    seat.pending_cancellation_date,
    seat.cycle_spend_cents,
  ],
};

export function seatRows(seats: SeatsResponse): SeatRow[] {
  const names = new Map(seats.tools.map((tool) => [tool.provider, tool.name]));
  return seats.seats.map((seat) => ({ ...seat, tool_name: names.get(seat.provider) ?? seat.provider }));
}
