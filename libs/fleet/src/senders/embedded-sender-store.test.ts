import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe } from 'vitest';
import { EmbeddedSenderStore } from './embedded-sender-store';
import { senderStoreConformance } from './sender-store-conformance';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('EmbeddedSenderStore', () => {
  senderStoreConformance(async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'siem-senders-'));
    dirs.push(dataDir);
    return new EmbeddedSenderStore({ dataDir });
  });
});
