import pino from 'pino';
import { loadConfig } from '@siem/config';
import { describe, expect, it } from 'vitest';
import type { InputContext } from './input';
import { startOptionalInputs } from './optional-inputs';

const context: InputContext = {
  logger: pino({ level: 'silent' }),
  maxMessageBytes: 1024,
  accept: () => Promise.resolve(),
  rejected: () => undefined,
  isBackedUp: () => false,
  onDrain: () => undefined,
};

describe('optional inputs', () => {
  it('starts none when neither files nor a broker are configured', async () => {
    expect(await startOptionalInputs(loadConfig({}), context)).toEqual([]);
  });

  it('refuses a collector that does not listen and has nothing else to read', async () => {
    await expect(startOptionalInputs(loadConfig({ SIEM_COLLECTOR_LISTEN: 'false' }), context)).rejects.toMatchObject({ code: 'SIEM_COLLECTOR_NO_INPUTS' });
  });
});
