#!/usr/bin/env node
// The `siem` command: TypeScript sources run through tsx, as everywhere else in the project.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
