import * as z from "zod";
import { CandleTupleSchema } from "./candles";
import { Timeframe } from "./timeframes";

/**
 * The body of one analysis-queue message: one symbol at one candle close, with the closed candles
 * (oldest first, the analysed candle last) the indicators need. Version it: messages outlive deploys.
 */
export const AnalysisRequestSchema = z
  .object({
    v: z.literal(1),
    symbol: z
      .string()
      .regex(/^[A-Z0-9]{1,12}(-[A-Z0-9]{1,12})?$/, "not a canonical symbol like BTC-USD or AAPL"),
    timeframe: Timeframe,
    candleTime: z.iso.datetime(),
    provider: z.string().min(1).max(40),
    gaps: z.number().int().nonnegative().default(0),
    candles: z.array(CandleTupleSchema).min(1),
  })
  .refine((r) => new Date(r.candleTime).getTime() === r.candles.at(-1)?.[0], {
    message: "candleTime must be the open time of the last candle",
    path: ["candleTime"],
  });
export type AnalysisRequest = z.infer<typeof AnalysisRequestSchema>;
