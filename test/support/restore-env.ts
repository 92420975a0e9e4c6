import { afterAll } from "vitest";

// Test files share worker processes (isolate: false in vitest.config.ts), so what one file sets in
// process.env must not reach the next: each file gets back the environment it started with.
const started = { ...process.env };

afterAll(() => {
  for (const key of Object.keys(process.env)) if (!(key in started)) delete process.env[key];
  Object.assign(process.env, started);
});
