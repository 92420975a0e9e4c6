import type { Clock } from "./ports";
import {
  type AnalystModel,
  type ModelCompletion,
  type ModelRequest,
  ModelUnavailableError,
  ModelUnreachableError,
} from "./verdict";

/**
 * A circuit breaker on the LLM endpoint, so a dead endpoint costs seconds, not minutes.
 *
 * The rule: a call that fails because the endpoint is unreachable (no connection, a timeout, a 5xx)
 * while the endpoint has failed fewer than `failuresToPause` times in a row is retried through SQS as
 * before: a blip costs nothing. The failure that reaches `failuresToPause` pauses calls for `pauseMs`
 * (on the injected clock, so a replay pauses on its candles' time), and that close, and every close
 * asked while calls are paused, becomes ABSTAIN `unavailable` at once, with the endpoint's error:
 * no call, no redelivery. After the pause one call goes through: an answer resets the count; another
 * failure pauses again (and its close abstains too). Any answer from the endpoint, even an error
 * such as a 429, proves it reachable and resets the count.
 */
export interface CircuitOptions {
  /** Unreachable failures in a row that pause calls. */
  failuresToPause: number;
  pauseMs: number;
}

export interface CircuitState {
  /** Unreachable failures in a row since the endpoint last answered. */
  failuresInRow: number;
  /** Calls are refused until then (epoch ms); undefined when calls go through. */
  pausedUntil?: number;
  /** Calls made that failed, and calls refused while paused, since the endpoint last answered. */
  failedCalls: number;
  refusedCalls: number;
  /** The last failure's message: what a refused close is stored with. */
  lastError?: string;
}

/** What is worth one log line: the first failure of an outage, its first pause, and the recovery. */
export type CircuitEvent =
  | { kind: "unreachable"; endpoint: string; error: string; options: CircuitOptions }
  | { kind: "paused"; failuresInRow: number; pauseMs: number }
  | { kind: "recovered"; failedCalls: number; refusedCalls: number };

export const closedCircuit = (): CircuitState => ({ failuresInRow: 0, failedCalls: 0, refusedCalls: 0 });

/** Whether a call may go out now. */
export const callAllowed = (state: CircuitState, now: number): boolean =>
  state.pausedUntil === undefined || now >= state.pausedUntil;

/** A call refused while paused: counted, and its close abstains. */
export const afterRefusal = (state: CircuitState): CircuitState => ({
  ...state,
  refusedCalls: state.refusedCalls + 1,
});

/** An unreachable failure: `abstain` says whether the close gives up now instead of retrying. */
export function afterUnreachable(
  state: CircuitState,
  failure: { endpoint: string; error: string },
  now: number,
  options: CircuitOptions,
): { state: CircuitState; abstain: boolean; events: CircuitEvent[] } {
  const failuresInRow = state.failuresInRow + 1;
  const abstain = failuresInRow >= options.failuresToPause;
  const events: CircuitEvent[] = [];
  if (state.failuresInRow === 0) events.push({ kind: "unreachable", ...failure, options });
  if (failuresInRow === options.failuresToPause)
    events.push({ kind: "paused", failuresInRow, pauseMs: options.pauseMs });
  return {
    state: {
      ...state,
      failuresInRow,
      failedCalls: state.failedCalls + 1,
      lastError: failure.error,
      pausedUntil: abstain ? now + options.pauseMs : state.pausedUntil,
    },
    abstain,
    events,
  };
}

/** The endpoint answered (anything but a 5xx): the count starts over. */
export function afterAnswer(state: CircuitState): { state: CircuitState; events: CircuitEvent[] } {
  const events: CircuitEvent[] =
    state.failuresInRow > 0
      ? [{ kind: "recovered", failedCalls: state.failedCalls, refusedCalls: state.refusedCalls }]
      : [];
  return { state: closedCircuit(), events };
}

/**
 * The LLM port behind the breaker. Keep one per container (its state is the container's view of the
 * endpoint); closes that should abstain get a ModelUnavailableError `unavailable`, which the analysis
 * stores as ABSTAIN at once.
 */
export class CircuitBreakerModel implements AnalystModel {
  private state = closedCircuit();

  constructor(
    private readonly inner: AnalystModel,
    private readonly options: CircuitOptions,
    private readonly clock: Clock,
    private readonly report: (event: CircuitEvent) => void = () => {},
  ) {}

  /** The counts so far, for a caller that reports them. */
  get circuit(): Readonly<CircuitState> {
    return this.state;
  }

  async complete(request: ModelRequest): Promise<ModelCompletion> {
    if (!callAllowed(this.state, this.clock.now())) {
      this.state = afterRefusal(this.state);
      throw new ModelUnavailableError("unavailable", this.state.lastError ?? "LLM endpoint unreachable");
    }
    try {
      const completion = await this.inner.complete(request);
      this.answered();
      return completion;
    } catch (error) {
      if (!(error instanceof ModelUnreachableError)) {
        this.answered();
        throw error;
      }
      const next = afterUnreachable(
        this.state,
        { endpoint: error.endpoint, error: error.message },
        this.clock.now(),
        this.options,
      );
      this.state = next.state;
      for (const event of next.events) this.report(event);
      if (next.abstain) throw new ModelUnavailableError("unavailable", error.message);
      throw error;
    }
  }

  private answered(): void {
    const next = afterAnswer(this.state);
    this.state = next.state;
    for (const event of next.events) this.report(event);
  }
}
