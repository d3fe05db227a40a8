import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { describeActionDeadLetterConformance } from './action-dead-letter-conformance';
import { EmbeddedActionDeadLetterStore } from './embedded-action-dead-letters';

const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'siem-action-dead-letters-'));
afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));

describeActionDeadLetterConformance('EmbeddedActionDeadLetterStore', async () => new EmbeddedActionDeadLetterStore(directory));
