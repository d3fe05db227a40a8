import type { EcsEvent } from '@siem/schema';
import { describe, expect, it } from 'vitest';
import { createParser } from './registry';
import { fillRelated } from './related';

const event = (fields: Record<string, unknown>): EcsEvent => ({ '@timestamp': '2026-12-04T10:00:00.000Z', event: {}, ...fields });

describe('related fields', () => {
  it('related – gathers addresses, users, host names and hashes from the fields a parser set, each once', () => {
    const e = event({
      source: { ip: '203.0.113.9', nat: { ip: '198.51.100.1' }, domain: 'scanner.example', user: { name: 'bob' } },
      destination: { ip: '10.0.0.5', nat: { ip: '203.0.113.9' } },
      host: { name: 'gw-1', hostname: 'gw-1', ip: ['10.0.0.1', '10.0.0.5'] },
      user: { name: 'alice', effective: { name: 'root' }, target: { name: 'bob' } },
      file: { hash: { sha256: 'aa' } },
      process: { hash: { md5: 'bb', sha256: 'aa' } },
    });
    fillRelated(e);
    expect(e.related).toEqual({
      ip: ['203.0.113.9', '198.51.100.1', '10.0.0.5', '10.0.0.1'],
      user: ['bob', 'alice', 'root'],
      hosts: ['scanner.example', 'gw-1'],
      hash: ['aa', 'bb'],
    });
  });

  it('related – keeps what the line already had and adds the rest', () => {
    const e = event({ source: { ip: '203.0.113.9' }, user: { name: 'alice' }, related: { ip: ['192.0.2.1', '203.0.113.9'], user: 'carol' } });
    fillRelated(e);
    expect(e.related).toEqual({ ip: ['192.0.2.1', '203.0.113.9'], user: ['carol', 'alice'] });
  });

  it('related – adds nothing to an event without such fields, and leaves an odd related alone', () => {
    const plain = event({ message: 'hi', host: { name: '192.0.2.10' } });
    fillRelated(plain);
    expect(plain).not.toHaveProperty('related');
    const odd = event({ user: { name: 'alice' }, related: 'x', source: 'not an object' });
    fillRelated(odd);
    expect(odd.related).toBe('x');
  });

  it('related – is filled by every parser the registry makes', () => {
    const result = createParser('auto').parse({
      payload: Buffer.from('Dec  4 10:00:00 web-2 sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/ls'),
      receivedAt: '2026-12-04T12:00:00.000Z',
      sourceAddress: '192.0.2.10',
      input: 'file',
    });
    expect(result.ok && result.event.related).toEqual({ user: ['alice', 'root'], hosts: ['web-2'] });
    const sshd = createParser('syslog').parse({ payload: Buffer.from('<38>Dec  4 10:00:00 web-2 sshd[1]: Failed password for admin from 198.51.100.146 port 22 ssh2'), receivedAt: '2026-12-04T12:00:00.000Z', input: 'syslog_udp' });
    expect(sshd.ok && sshd.event.related).toEqual({ ip: ['198.51.100.146'], user: ['admin'], hosts: ['web-2'] });
  });
});
