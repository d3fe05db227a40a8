import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import type { BusProducer, BusRecord } from '@siem/bus';
import { EmbeddedActionDeadLetterStore, EmbeddedSchedulerStateStore, type StoredAlert } from '@siem/store';
import { MetricsRegistry, createLogger } from '@siem/telemetry';
import { createActionDispatcher, type ActionDispatcherDeps } from './dispatcher';

const logger = createLogger('test', 'silent');
const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'siem-actions-'));
const deadLetters = new EmbeddedActionDeadLetterStore(directory);
afterAll(async () => {
  await deadLetters.close();
  fs.rmSync(directory, { recursive: true, force: true });
});

const SECRET = 'whsec-test-0123456789';
const fast = { attempts: 5, baseDelayMs: 10, maxDelayMs: 100 };

function alert(id: string): StoredAlert {
  return {
    id,
    alert: {
      '@timestamp': '2026-05-01T10:00:00.000Z',
      message: 'Brute force',
      rule: { id: 'r-hook', title: 'Brute force', level: 'high', tags: [] },
      threat: { technique: { id: ['T1110'] }, tactic: { name: ['credential-access'] } },
      alert: { status: 'open', detected_at: '2026-05-01T10:00:01.000Z' },
      event: { id: `event-${id}` },
      host: { name: 'bastion' },
    },
  };
}

/** A local HTTP receiver that answers 503 to the first `failures` calls, then 204. */
async function receiver(failures: number, delayMs = 0) {
  const calls: { body: string; signature: string | undefined }[] = [];
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      calls.push({ body, signature: request.headers['x-siem-signature'] as string | undefined });
      setTimeout(() => response.writeHead(calls.length <= failures ? 503 : 204).end(), delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { calls, url, close: () => new Promise((resolve) => server.close(resolve)) };
}

function dispatcher(overrides: Partial<ActionDispatcherDeps> = {}) {
  const metrics = new MetricsRegistry();
  return { metrics, actions: createActionDispatcher({ deadLetters, logger, metrics, retry: fast, ...overrides }) };
}

const rule = (actions: unknown[]) => ({ id: `r-${Math.random().toString(36).slice(2)}`, title: 'Brute force', level: 'high', actions });

describe('createActionDispatcher', () => {
  it('delivers a webhook once to a server that fails the first three calls, with a signature the receiver verifies', async () => {
    const server = await receiver(3);
    const { actions, metrics } = dispatcher();
    actions.dispatch(alert('a1'), rule([{ id: 'hook', type: 'webhook', url: server.url, secret: SECRET }]));
    await actions.idle();
    await server.close();
    expect(server.calls).toHaveLength(4);
    const delivered = server.calls[3]!;
    expect(delivered.signature).toBe(`sha256=${createHmac('sha256', SECRET).update(delivered.body).digest('hex')}`);
    expect(JSON.parse(delivered.body)).toMatchObject({ alert_id: 'a1', rule: { title: 'Brute force' }, alert: { host: { name: 'bastion' } } });
    const text = metrics.render();
    expect(text).toMatch(/siem_action_sent_total\{type="webhook"\} 1/);
    expect(text).toMatch(/siem_action_retries_total\{type="webhook"\} 3/);
  });

  it('keeps a delivery that keeps failing as a dead letter, and resends it', async () => {
    const server = await receiver(2);
    const { actions } = dispatcher({ retry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 5 } });
    const failing = rule([{ id: 'hook', type: 'webhook', url: server.url, secret: SECRET }]);
    actions.dispatch(alert('a2'), failing);
    await actions.idle();
    const [letter] = (await deadLetters.list({ size: 10, ruleId: failing.id })).letters;
    expect(letter).toMatchObject({ alert_id: 'a2', attempts: 2, action: { id: 'hook', type: 'webhook' } });
    expect(letter!.error).toMatch(/HTTP 503/);
    await actions.resend(letter!.id);
    expect(server.calls).toHaveLength(3);
    expect(server.calls[2]!.signature).toBe(`sha256=${createHmac('sha256', SECRET).update(server.calls[2]!.body).digest('hex')}`);
    expect(await deadLetters.get(letter!.id)).toBeUndefined();
    await expect(actions.resend(letter!.id)).rejects.toMatchObject({ code: 'SIEM_ACTION_DEAD_LETTER_NOT_FOUND' });
    await server.close();
  });

  it('does not retry an answer the receiver will repeat (4xx): straight to the dead letters', async () => {
    const server = http.createServer((_request, response) => response.writeHead(401).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { actions } = dispatcher();
    const refused = rule([{ id: 'hook', type: 'webhook', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` }]);
    actions.dispatch(alert('a3'), refused);
    await actions.idle();
    server.close();
    const [letter] = (await deadLetters.list({ size: 10, ruleId: refused.id })).letters;
    expect(letter).toMatchObject({ attempts: 1 });
    expect(letter!.error).toMatch(/HTTP 401/);
  });

  it('throttles per action and counts what it drops', async () => {
    const server = await receiver(0);
    const { actions, metrics } = dispatcher();
    const storm = rule([{ id: 'chat', type: 'slack', url: server.url, throttle: { max: 2, window: '1h' } }]);
    for (let index = 0; index < 10; index++) actions.dispatch(alert(`storm-${index}`), storm);
    await actions.idle();
    await server.close();
    expect(server.calls).toHaveLength(2);
    expect(JSON.parse(server.calls[0]!.body).text).toBe('[HIGH] Brute force on host bastion');
    expect(metrics.render()).toMatch(/siem_action_throttled_total\{type="slack"\} 8/);
  });

  it("shares one throttle between processes through the store: two workers' dispatchers send at most max together", async () => {
    const server = await receiver(0);
    const states = [0, 1].map(() => new EmbeddedSchedulerStateStore({ dataDir: path.join(directory, 'shared-throttle') }));
    const workers = states.map((state) => dispatcher({ throttle: { take: (key, windowStart, max) => state.takeThrottle(key, windowStart, max) } }));
    const storm = rule([{ id: 'pager', type: 'webhook', url: server.url, throttle: { max: 3, window: '1h' } }]);
    for (let index = 0; index < 20; index++) workers[index % 2]!.actions.dispatch(alert(`shared-${index}`), storm);
    await Promise.all(workers.map((worker) => worker.actions.idle()));
    await server.close();
    await Promise.all(states.map((state) => state.close()));
    expect(server.calls).toHaveLength(3);
    const dropped = workers.map((worker) => Number(/siem_action_throttled_total\{type="webhook"\} (\d+)/.exec(worker.metrics.render())?.[1] ?? 0));
    expect(dropped[0]! + dropped[1]!).toBe(17);
  });

  it('sends a notification whose throttle the store cannot count, and counts that', async () => {
    const server = await receiver(0);
    const { actions, metrics } = dispatcher({ throttle: { take: () => Promise.reject(new Error('the state store is down')) } });
    actions.dispatch(alert('uncounted'), rule([{ id: 'pager', type: 'webhook', url: server.url, throttle: { max: 1, window: '1h' } }]));
    await actions.idle();
    await server.close();
    expect(server.calls).toHaveLength(1);
    expect(metrics.render()).toMatch(/siem_action_throttle_failures_total\{type="webhook"\} 1/);
  });

  it('returns from dispatch at once while a slow receiver holds the delivery', async () => {
    const server = await receiver(0, 300);
    const { actions } = dispatcher();
    const order: string[] = [];
    const answered = actions.idle().then(() => order.push('answered'));
    actions.dispatch(alert('slow'), rule([{ id: 'hook', type: 'webhook', url: server.url }]));
    order.push('dispatch returned');
    expect(server.calls).toHaveLength(0);
    await actions.idle();
    await answered;
    await server.close();
    expect(server.calls).toHaveLength(1);
    expect(order).toEqual(['dispatch returned', 'answered']);
  });

  it('produces to a Kafka topic through the bus producer, keyed by the alert id', async () => {
    const sent: { topic: string; records: readonly BusRecord[] }[] = [];
    const producer: BusProducer = { connect: async () => {}, disconnect: async () => {}, send: async (topic, records) => void sent.push({ topic, records }) };
    const { actions } = dispatcher({ producer });
    actions.dispatch(alert('k1'), rule([{ id: 'bus', type: 'kafka', topic: 'soc.alerts' }]));
    await actions.idle();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.topic).toBe('soc.alerts');
    expect(sent[0]!.records[0]!.key).toBe('k1');
    expect(JSON.parse(sent[0]!.records[0]!.value.toString())).toMatchObject({ alert_id: 'k1' });
  });

  it('sends syslog with a CEF body over UDP to a python3 listener', async () => {
    // A peer that is not this code: python3 binds a UDP port, prints it, prints the first datagram.
    const peer = spawn('python3', ['-u', '-c', 'import socket,sys\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\ns.bind(("127.0.0.1",0))\nprint(s.getsockname()[1])\nprint(s.recv(65535).decode())']);
    const lines: string[] = [];
    let buffered = '';
    const line = () =>
      new Promise<string>((resolve) => {
        const check = () => {
          if (lines.length > 0) resolve(lines.shift()!);
          else setTimeout(check, 10);
        };
        check();
      });
    peer.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop()!;
      lines.push(...parts);
    });
    const port = Number(await line());
    const { actions } = dispatcher();
    actions.dispatch(alert('u1'), rule([{ id: 'siem', type: 'syslog', host: '127.0.0.1', port, protocol: 'udp' }]));
    await actions.idle();
    const received = await line();
    peer.kill();
    expect(received).toMatch(/^<35>1 \d{4}-\d\d-\d\dT[\d:.]+Z \S+ siem - alert - CEF:0\|SIEM\|SIEM\|[^|]+\|r-[a-z0-9]+\|Brute force\|8\|/);
    expect(received).toContain('externalId=u1');
    expect(received).toContain('shost=bastion');
    // python3 starts slowly on a busy machine; the wait is for it, not a measure of this code.
  }, 30_000);

  it('sends syslog over TCP in octet-counted frames', async () => {
    const frames: string[] = [];
    const server = net.createServer((socket) => {
      let data = '';
      socket.on('data', (chunk) => (data += chunk.toString()));
      socket.on('end', () => frames.push(data));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { actions } = dispatcher();
    actions.dispatch(alert('t1'), rule([{ id: 'siem', type: 'syslog', host: '127.0.0.1', port: (server.address() as AddressInfo).port, protocol: 'tcp' }]));
    await actions.idle();
    await new Promise((resolve) => setTimeout(resolve, 50));
    server.close();
    const [frame] = frames;
    const space = frame!.indexOf(' ');
    const message = frame!.slice(space + 1);
    expect(Number(frame!.slice(0, space))).toBe(Buffer.byteLength(message));
    expect(message).toMatch(/^<35>1 .* CEF:0\|/);
  });

  it('notifies nothing for invalid actions and counts them; stopping turns what waits into dead letters', async () => {
    const { actions, metrics } = dispatcher();
    const bad = rule([{ id: 'hook', type: 'webhook', url: 'ftp://nowhere' }]);
    actions.dispatch(alert('x1'), bad);
    expect(metrics.render()).toMatch(/siem_action_invalid_total\{rule_id="r-[a-z0-9]+"\} 1/);
    const server = await receiver(0, 200);
    const { actions: stopping } = dispatcher({ concurrency: 1 });
    const busy = rule([{ id: 'hook', type: 'webhook', url: server.url }]);
    stopping.dispatch(alert('s1'), busy);
    stopping.dispatch(alert('s2'), busy);
    await stopping.stop();
    await server.close();
    expect(server.calls).toHaveLength(1);
    expect((await deadLetters.list({ size: 10, ruleId: busy.id })).letters.map((letter) => letter.alert_id)).toEqual(['s2']);
  });
});
