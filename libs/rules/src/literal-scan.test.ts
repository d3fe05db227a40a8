import { describe, expect, it } from 'vitest';
import { LiteralScanner } from './literal-scan';

describe('LiteralScanner', () => {
  const scanner = new LiteralScanner(
    ['\\cmd.exe', 'powershell', ' -enc', '.exe', 'ab', 'x', '🦆', 'exe'].map((literal, index) => ({ literal, payload: index })),
  );

  function found(value: string): number[] {
    const hits = new Set<number>();
    scanner.scan(value, (payload) => {
      hits.add(payload);
    });
    return [...hits].sort((a, b) => a - b);
  }

  it('rules – reports every literal that occurs, at the start, in the middle and at the end', () => {
    expect(found('c:\\windows\\system32\\cmd.exe')).toEqual([0, 3, 5, 7]);
    expect(found('powershell -enc abc')).toEqual([1, 2, 4]);
    expect(found('no match here')).toEqual([]);
    expect(found('duck 🦆 x')).toEqual([5, 6]);
    expect(found('')).toEqual([]);
  });

  it('rules – any stops at the first literal found', () => {
    expect(scanner.any('...exe')).toBe(true);
    expect(scanner.any('nothing')).toBe(false);
  });
});
