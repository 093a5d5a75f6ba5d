#!/usr/bin/env node
/** `cite`: the command-line client of cite's public API. Wiring only: the commands are in program.ts. */
import { run } from './program';

process.exitCode = await run(process.argv.slice(2), {
  out: process.stdout,
  err: process.stderr,
  in: process.stdin,
  env: process.env,
});
