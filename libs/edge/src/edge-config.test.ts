import { describe, expect, it } from 'vitest';
import { parseEdgeConfig } from './edge-config';
import { EdgeConfigError } from './errors';

describe('edge pipeline configuration', () => {
  it('edge config – fills defaults (parser auto, interval 60 s, version local)', () => {
    const config = parseEdgeConfig({ inputs: { syslog_udp: { stages: [{ type: 'aggregate', by: ['host.name'] }] } } });
    expect(config.version).toBe('local');
    expect(config.inputs.syslog_udp!.parser).toBe('auto');
    expect(config.inputs.syslog_udp!.stages[0]).toMatchObject({ type: 'aggregate', intervalS: 60, maxKeys: 10_000 });
  });

  it('edge config – a typo in a stage key fails with its path', () => {
    expect(() => parseEdgeConfig({ inputs: { syslog_udp: { stages: [{ type: 'sample', rat: 10 }] } } })).toThrow(/\/inputs\/syslog_udp\/stages\/0/);
  });

  it('edge config – refuses an unknown stage type, a rate of 0, a bad query and an unknown parser', () => {
    const cases: unknown[] = [
      { inputs: { a: { stages: [{ type: 'filter', query: 'x' }] } } },
      { inputs: { a: { stages: [{ type: 'sample', rate: 0 }] } } },
      { inputs: { a: { stages: [{ type: 'drop', query: 'host.name:(a' }] } } },
      { inputs: { a: { parser: 'no_such_parser', stages: [] } } },
      { inputs: [] },
      'not an object',
    ];
    for (const document of cases) {
      const attempt = () => parseEdgeConfig(document);
      expect(attempt, JSON.stringify(document)).toThrow(EdgeConfigError);
    }
    expect(() => parseEdgeConfig({ inputs: { a: { stages: [{ type: 'drop', query: 'host.name:(a' }] } } })).toThrow(/stage 0 \(drop\) of input a/);
  });
});

describe('edge pipeline file', () => {
  it('edge config – a missing file, a file that is not JSON and an invalid document each name the file', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const { readEdgeConfigFile } = await import('./edge-config');
    const dir = mkdtempSync(path.join(tmpdir(), 'siem-edge-'));
    const notJson = path.join(dir, 'a.json');
    writeFileSync(notJson, '{inputs:');
    const invalid = path.join(dir, 'b.json');
    writeFileSync(invalid, '{"inputs": {"x": {"stages": [{"type": "sample"}]}}}');
    const good = path.join(dir, 'c.json');
    writeFileSync(good, '{"version": "3", "inputs": {"x": {"stages": [{"type": "sample", "rate": 10}]}}}');
    await expect(readEdgeConfigFile(path.join(dir, 'missing.json'))).rejects.toThrow(/missing\.json cannot be read/);
    await expect(readEdgeConfigFile(notJson)).rejects.toThrow(/a\.json is not JSON/);
    await expect(readEdgeConfigFile(invalid)).rejects.toThrow(/b\.json: .*\/inputs\/x\/stages\/0/);
    expect((await readEdgeConfigFile(good)).version).toBe('3');
  });
});
