#!/usr/bin/env node
// Runs the compiled CLI (build with `pnpm build`): no TypeScript loader, so it starts fast.
import { main } from '../dist/nbctl/main.js';

process.exitCode = await main(process.argv.slice(2));
