/** The API's answers, typed from the same zod contracts the handlers answer with (types only: nothing bundled). */
export type {
  DashboardResponse as Dashboard,
  DevelopersResponse as Developers,
  PersonDetailResponse as PersonDetail,
  SeatsResponse as Seats,
  IntegrationListResponse as IntegrationList,
} from '../../functions/schemas/responses';
export type { RosterResponse as Roster } from '../../functions/schemas/members';
export type { ImportListResponse as ImportList } from '../../functions/schemas/imports';

import type { DashboardResponse } from '../../functions/schemas/responses';
export type HeatmapDay = DashboardResponse['heatmap_data'][number];
export type SeriesPoint = DashboardResponse['series']['points'][number];
