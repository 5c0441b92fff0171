#!/usr/bin/env node
// The `dgr` command. The sources are TypeScript, run through tsx's loader so there is no build step to forget.
import { register } from 'tsx/esm/api';
import { pinOpenBlasCore } from '../native/openblas-core.mjs';

// Before anything loads OpenBLAS: the same kernels on every machine, so a run reproduces (native/openblas-core.mjs).
pinOpenBlasCore();
register();
const { main } = await import('../cli/main.ts');
await main(process.argv);
