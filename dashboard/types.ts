/** The API's JSON, as the server's types define it (types only: nothing of the server is bundled). */
import type { DashboardResponses } from "../functions/core/dashboard/api";

export type Overview = DashboardResponses["overview"];
export type ChartData = DashboardResponses["chart"];
export type HistoryData = DashboardResponses["history"];
export type StatsData = DashboardResponses["stats"];
export type SignalView = ChartData["signals"][number];
export type WatchedSymbol = Overview["symbols"][number];
