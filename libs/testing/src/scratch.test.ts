import { describe, expect, it } from 'vitest';
import { removeKafkaScratch, removeOpenSearchScratch, scratchNames } from './scratch';

describe('scratch names', () => {
  it('are new for each run and never fall under the product pattern siem-events-* or its topics', () => {
    const [a, b] = [scratchNames(), scratchNames()];
    expect(a.runId).not.toBe(b.runId);
    for (const names of [a, b]) {
      expect(names.indexPrefix).toMatch(/^siemtest-[0-9a-f]{8}-$/);
      expect(`${names.indexPrefix}2026.11.23`.startsWith('siem-events-')).toBe(false);
      expect([names.rawTopic, names.deadLetterTopic, names.alertsTopic, names.consumerGroup].every((name) => name.startsWith('siemtest'))).toBe(true);
    }
  });

  it('are the only names the cleanup deletes', async () => {
    await expect(removeOpenSearchScratch('http://127.0.0.1:1', 'siem-events-')).rejects.toThrow(/Refusing to delete siem-events-\*/);
    await expect(removeKafkaScratch('127.0.0.1:1', ['siemtest.x.raw', 'siem.raw'])).rejects.toThrow(/Refusing to delete siem.raw/);
    await expect(removeKafkaScratch('127.0.0.1:1', [], ['siem-processor'])).rejects.toThrow(/Refusing to delete siem-processor/);
  });
});
