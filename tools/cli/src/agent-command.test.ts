import { describe, expect, it } from 'vitest';
import { agentEnv } from './agent-command';

describe('siem agent', () => {
  it('runs the collector without listeners, with the patterns and multi-line start given as flags', () => {
    const env = agentEnv({ SIEM_FILE_INPUTS: '/ignored/*.log' }, { files: '/var/log/app/*.log,/srv/**/x.log', multilineStart: '^\\d{4}-' });
    expect(env).toMatchObject({ SIEM_COLLECTOR_LISTEN: 'false', SIEM_FILE_INPUTS: '/var/log/app/*.log,/srv/**/x.log', SIEM_FILE_MULTILINE_START: '^\\d{4}-' });
  });

  it('serves its metrics on 9465 unless told otherwise, so that it can run next to a collector', () => {
    expect(agentEnv({ SIEM_FILE_INPUTS: '/var/log/*.log' }, {}).SIEM_COLLECTOR_METRICS_PORT).toBe('9465');
    expect(agentEnv({ SIEM_FILE_INPUTS: '/var/log/*.log', SIEM_COLLECTOR_METRICS_PORT: '9999' }, {}).SIEM_COLLECTOR_METRICS_PORT).toBe('9999');
  });

  it('takes the patterns from SIEM_FILE_INPUTS when no flag is given', () => {
    expect(agentEnv({ SIEM_FILE_INPUTS: '/var/log/*.log' }, {}).SIEM_FILE_INPUTS).toBe('/var/log/*.log');
  });

  it('refuses to start with nothing to read, saying how to give patterns', () => {
    expect(() => agentEnv({}, {})).toThrow(/--files/);
  });

  it('refuses a misspelt setting as every app does', () => {
    expect(() => agentEnv({ SIEM_FILE_INPUT: '/var/log/*.log' }, {})).toThrow(/SIEM_FILE_INPUT is not a SIEM setting/);
  });
});
