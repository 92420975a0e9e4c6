/**
 * A lazy resource loaded once per container: the first call's promise is shared by every later call,
 * and forgotten if it fails (an SSM throttle, a missing file), so a later call tries again rather
 * than the failure sticking for the container's lifetime.
 */
export function onceUntilFailure<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    if (!pending) {
      const started = load();
      pending = started;
      started.catch(() => {
        if (pending === started) pending = undefined;
      });
    }
    return pending;
  };
}
