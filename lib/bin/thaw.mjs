#!/usr/bin/env node
// The `thaw` command. The sources are TypeScript; tsx compiles them on load so that
// `npx thaw` and `npm start` work straight from a clone, with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
await main(process.argv.slice(2));
