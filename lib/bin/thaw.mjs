#!/usr/bin/env node
// The `thaw` command from a checkout (`npm start`, `node lib/bin/thaw.mjs …`): tsx compiles the
// TypeScript sources on load, so a clone runs with no build step. The npm package's `thaw` is the
// compiled dist/thaw.js instead, and needs no TypeScript loader.
import { register } from 'tsx/esm/api';

register();
await import('./thaw.ts');
