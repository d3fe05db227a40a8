import { describe, expect, it } from 'vitest';
import { parseArgs } from './args';
import { InfraErrorCodes } from './errors';

describe('parseArgs', () => {
  it('args – reads each command', () => {
    for (const command of ['up', 'down', 'status', 'fetch'] as const) {
      expect(parseArgs([command])).toEqual({ command, fresh: false });
    }
  });

  it('args – accepts --fresh on either side of up', () => {
    expect(parseArgs(['up', '--fresh'])).toEqual({ command: 'up', fresh: true });
    expect(parseArgs(['--fresh', 'up'])).toEqual({ command: 'up', fresh: true });
  });

  it('args – treats --help as a command', () => {
    expect(parseArgs(['--help']).command).toBe('help');
  });

  it('args – rejects a missing, unknown or repeated command and unknown options with a usage error', () => {
    for (const argv of [[], ['start'], ['up', 'down'], ['up', '--fast'], ['down', '--fresh']]) {
      expect(() => parseArgs(argv)).toThrow(expect.objectContaining({ code: InfraErrorCodes.usage }));
    }
  });
});
