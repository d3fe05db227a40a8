import { describe, expect, it } from 'vitest';
import { ActionError } from './errors';
import { validateActions } from './validate';

describe('validateActions', () => {
  it('fills defaults and accepts each action type', () => {
    const actions = validateActions([
      { id: 'hook', type: 'webhook', url: 'https://hooks.example/alert', secret: 'a-secret-of-16-chars', throttle: { max: 5, window: '10m' } },
      { id: 'chat', type: 'slack', url: 'https://hooks.slack.example/services/T/B/X' },
      { id: 'bus', type: 'kafka', topic: 'soc.alerts' },
      { id: 'siem', type: 'syslog', host: '192.0.2.5' },
    ]);
    expect(actions[3]).toEqual({ id: 'siem', type: 'syslog', host: '192.0.2.5', port: 514, protocol: 'udp', facility: 4 });
  });

  it('says where an action is wrong, and refuses two actions with one id', () => {
    expect(() => validateActions([{ id: 'hook', type: 'webhook', url: 'ftp://x' }])).toThrow(/at \/0\/url is invalid/);
    expect(() => validateActions([{ id: 'x', type: 'pager' }])).toThrow(ActionError);
    expect(() => validateActions([{ id: 'x', type: 'pager' }])).toThrow(/\/0\/type is "pager"; it is one of webhook, slack, kafka, syslog/);
    expect(() => validateActions([{ id: 'hook', type: 'webhook', url: 'https://a.example', secret: 'short' }])).toThrow(/secret/);
    expect(() => validateActions([{ id: 'siem', type: 'syslog', host: 'a', throttle: { max: 1, window: '10' } }])).toThrow(/\/0\/throttle\/window/);
    expect(() =>
      validateActions([
        { id: 'same', type: 'kafka', topic: 'a' },
        { id: 'same', type: 'kafka', topic: 'b' },
      ]),
    ).toThrow(/Two actions of the rule have the id "same"/);
  });
});
