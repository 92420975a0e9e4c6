import type * as z from "zod";
import { closestName } from "./closest-name";
import { errorMessage } from "./errors";

/** A rejected input: the message names each bad field and the value it held. */
export class ValidationError extends Error {
  constructor(
    readonly subject: string,
    readonly problems: string[],
  ) {
    super(`invalid ${subject}: ${problems.join("; ")}`);
    this.name = "ValidationError";
  }
}

const MAX_VALUE_CHARS = 80;

/** How much of what a user typed an error message or a bot reply repeats. */
const QUOTED_INPUT_CHARS = 40;

/**
 * What a user typed, as an error message or reply repeats it: JSON-quoted (newlines and quotes
 * escaped) and cut after 40 characters, so no input length reaches a reply. HTML-escape it after.
 */
export const quoteInput = (input: string): string =>
  JSON.stringify(input.length > QUOTED_INPUT_CHARS ? `${input.slice(0, QUOTED_INPUT_CHARS)}…` : input);

function showValue(value: unknown): string {
  if (value === undefined) return "missing";
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}…` : text;
}

export function fieldPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "(root)";
  return path
    .map((key, index) => (typeof key === "number" ? `[${key}]` : `${index === 0 ? "" : "."}${String(key)}`))
    .join("");
}

/**
 * A strict object's unknown keys, one per problem, each with the known key it most likely meant:
 * `alerts.cooldownMins: unknown key; did you mean alerts.cooldownMinutes?`. The error map runs with
 * the schema at hand (its shape holds the known keys) and the issue's full path.
 */
const unknownKeys: z.core.$ZodErrorMap = (issue) => {
  if (issue.code !== "unrecognized_keys") return undefined;
  const shape = (issue.inst?._zod.def as { shape?: Record<string, unknown> } | undefined)?.shape;
  const known = shape ? Object.keys(shape) : [];
  const path = issue.path ?? [];
  return issue.keys
    .map((key) => {
      const meant = closestName(key, known);
      const hint = meant
        ? `; did you mean ${fieldPath([...path, meant])}?`
        : `; known keys: ${known.join(", ")}`;
      return `${fieldPath([...path, key])}: unknown key${hint}`;
    })
    .join("; ");
};

/** Parses `input` or throws a ValidationError whose lines read `field = value: problem`. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, subject: string): z.output<S> {
  const result = schema.safeParse(input, { reportInput: true, error: unknownKeys });
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    if (issue.code === "unrecognized_keys") return issue.message;
    const value = "input" in issue ? showValue(issue.input) : "missing";
    return `${fieldPath(issue.path)} = ${value}: ${issue.message}`;
  });
  throw new ValidationError(subject, problems);
}

/** JSON.parse that reports bad JSON as a ValidationError of the subject. */
export function parseJson(text: string, subject: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ValidationError(subject, [`body = ${showValue(text)}: not JSON (${errorMessage(error)})`]);
  }
}
