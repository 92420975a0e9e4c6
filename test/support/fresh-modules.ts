import { vi } from "vitest";

// Test files share worker processes (isolate: false in vitest.config.ts). Each file imports the
// project's modules afresh, as its own process would: a handler's SDK client, made once from the
// emulator endpoints in env, must not be the one an earlier file made for its own emulators.
vi.resetModules();
