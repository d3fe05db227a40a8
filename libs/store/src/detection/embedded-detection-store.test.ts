import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StoreError } from '../errors';
import { describeAlertWorkConformance } from './alert-work-conformance';
import { describeDetectionStoreConformance } from './detection-conformance';
import { EmbeddedDetectionStore } from './embedded-detection-store';
import { detectionIndexNames } from './index-names';

const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'siem-detection-store-'));
afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));

describeDetectionStoreConformance('EmbeddedDetectionStore', async () => new EmbeddedDetectionStore({ dataDir: directory }));
describeAlertWorkConformance('EmbeddedDetectionStore', async () => new EmbeddedDetectionStore({ dataDir: directory }));

describe('EmbeddedDetectionStore', () => {
  it('lets a second process see the rules and the revision the first one wrote', async () => {
    const writer = new EmbeddedDetectionStore({ dataDir: directory });
    const reader = new EmbeddedDetectionStore({ dataDir: directory });
    const before = await reader.rulesRevision();
    const id = '0e6b1a4c-5d6f-4a8b-9c0d-1e2f3a4b5c6d';
    await writer.saveRules([{ id, title: 'Shared', level: 'low', enabled: true }]);
    expect(await reader.rulesRevision()).not.toBe(before);
    expect((await reader.getRule(id))?.rule.title).toBe('Shared');
    await Promise.all([writer.close(), reader.close()]);
  });

  it('saves none of the rules of a save that fails part way', async () => {
    const store = new EmbeddedDetectionStore({ dataDir: directory });
    const good = { id: '1e6b1a4c-5d6f-4a8b-9c0d-1e2f3a4b5c6d', title: 'Good', level: 'low', enabled: true };
    // A BigInt cannot be serialised: the second rule fails inside the transaction.
    const bad = { id: '2e6b1a4c-5d6f-4a8b-9c0d-1e2f3a4b5c6d', title: 'Bad', level: 'low', enabled: true, detection: { value: 1n } };
    await expect(store.saveRules([good, bad])).rejects.toBeInstanceOf(StoreError);
    expect(await store.getRule(good.id)).toBeUndefined();
    await store.close();
  });

  it('refuses a data directory it cannot create, saying which', async () => {
    const file = path.join(directory, 'a-file');
    fs.writeFileSync(file, '');
    const store = new EmbeddedDetectionStore({ dataDir: file });
    await expect(store.ensureReady()).rejects.toThrow(/cannot be opened.*SIEM_DATA_DIR/);
  });
});

describe('detectionIndexNames', () => {
  it('names the indices after the product prefix, and keeps test prefixes out of the event pattern', () => {
    expect(detectionIndexNames('siem-events-')).toEqual({ rules: 'siem-rules', ruleVersions: 'siem-rule-versions', alerts: 'siem-alerts' });
    const names = detectionIndexNames('siemtest-ab12-');
    expect(names.alerts).toBe('siemtest-ab12.alerts');
    expect(names.alerts.startsWith('siemtest-ab12-')).toBe(false);
  });
});
