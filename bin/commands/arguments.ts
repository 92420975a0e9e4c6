import { InvalidArgumentError } from "commander";
import { errorMessage } from "../../functions/core/errors";
import { resolveSymbol } from "../../functions/core/symbols";
import { parseDuration } from "../../functions/core/timeframes";

/** Where local runs keep their stores, unless --data-dir says otherwise. */
export const DEFAULT_DATA_DIR = ".signals";

/**
 * A symbol argument or option: `btc` gives BTC-USD. A SymbolError is no Commander error, so the CLI
 * prints its message as the one line `error: unknown symbol "…"; similar: …`.
 */
export const parseSymbolArgument = (symbol: string): string => resolveSymbol(symbol);

export const parseSymbolList = (text: string) =>
  text.split(",").map((symbol) => parseSymbolArgument(symbol.trim()));

/** A duration back from now, e.g. 12h, 7d, 2w. */
export const parseSince = (text: string) => {
  try {
    return parseDuration(text);
  } catch (error) {
    throw new InvalidArgumentError(errorMessage(error));
  }
};

export const parsePositiveInt = (what: string) => (text: string) => {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new InvalidArgumentError(`${what} "${text}" is not a positive integer`);
  return value;
};

export const parseEndpoint = (text: string) => {
  if (!URL.canParse(text) || !/^https?:$/.test(new URL(text).protocol))
    throw new InvalidArgumentError(`"${text.slice(0, 80)}" is not an http(s) URL`);
  return text;
};
