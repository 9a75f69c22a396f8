#!/usr/bin/env node
// The installed entry point: registers tsx so the TypeScript CLI runs without a build step.
import { register } from 'tsx/esm/api';

register();
await import('./growthlake.ts');
