#!/usr/bin/env node
// The `thaw` command. The npm package runs it compiled (dist/thaw.js, built by
// lib/build/npm-package.ts); a checkout runs this source through thaw.mjs beside it.
import { main } from '../cli/main';

await main(process.argv.slice(2));
