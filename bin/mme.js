#!/usr/bin/env node
// Tiny on purpose: everything lives in the compiled entry, loaded lazily per command.
import { main } from '../dist/cli/main.js';

main(process.argv).then((code) => {
  process.exitCode = code;
});
