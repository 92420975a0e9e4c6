#!/usr/bin/env -S npx tsx
import "./cli-env";
import { main } from "./program";

const code = await main(process.argv);
// A failed command may leave servers open: end now. A finished one ends when its work is done.
if (code !== 0) process.exit(code);
