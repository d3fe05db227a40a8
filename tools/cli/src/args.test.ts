import { describe, expect, it } from 'vitest';
import { parseArgs } from './args';

describe('parseArgs', () => {
  it('splits the command, positionals, valued flags and switches', () => {
    expect(parseArgs(['search', 'host.name:a', 'failed', '--size', '5', '--json', '--from=2026-01-01T00:00:00Z'])).toEqual({
      command: 'search',
      positional: ['host.name:a', 'failed'],
      flags: { size: '5', json: true, from: '2026-01-01T00:00:00Z' },
    });
  });

  it('has no command when called bare', () => {
    expect(parseArgs([]).command).toBeUndefined();
  });
});
