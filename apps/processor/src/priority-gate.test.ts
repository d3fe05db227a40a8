import { describe, expect, it } from 'vitest';
import type { ConsumedMessage } from '@siem/bus';
import { PriorityGate } from './priority-gate';

const chunk = (label: string): ConsumedMessage[] => [{ incarnation: 'i', topic: label, partition: 0, offset: '0', value: Buffer.from(label), headers: {} }];

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

describe('priority gate', () => {
  it('priority – a normal chunk waits while high chunks run, and starts once the last one ends', async () => {
    const gate = new PriorityGate();
    const order: string[] = [];
    const releases = new Map<string, () => void>();
    const handler = async (messages: readonly ConsumedMessage[]) => {
      const label = messages[0]!.value.toString();
      order.push(`start ${label}`);
      const done = deferred();
      releases.set(label, done.resolve);
      await done.promise;
      order.push(`end ${label}`);
    };
    const high = gate.high(handler);
    const normal = gate.normal(handler);
    const h1 = high(chunk('h1'));
    const h2 = high(chunk('h2'));
    const n1 = normal(chunk('n1'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['start h1', 'start h2']);
    releases.get('h1')!();
    await h1;
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['start h1', 'start h2', 'end h1']);
    releases.get('h2')!();
    await h2;
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['start h1', 'start h2', 'end h1', 'end h2', 'start n1']);
    releases.get('n1')!();
    await n1;
  });

  it('priority – a failing high chunk still opens the gate and its error reaches the bus', async () => {
    const gate = new PriorityGate();
    const seen: string[] = [];
    await expect(gate.high(async () => Promise.reject(new Error('store down')))(chunk('h'))).rejects.toThrow('store down');
    await gate.normal(async (messages) => void seen.push(messages[0]!.topic))(chunk('n'));
    expect(seen).toEqual(['n']);
  });

  it('priority – normal chunks run straight through when no high chunk is in progress', async () => {
    const gate = new PriorityGate();
    const seen: string[] = [];
    const normal = gate.normal(async (messages) => void seen.push(messages[0]!.topic));
    await normal(chunk('a'));
    await normal(chunk('b'));
    expect(seen).toEqual(['a', 'b']);
  });

  it('priority – a normal chunk waits while the high consumer has records it has not handled yet', async () => {
    const answers = [true, true, false];
    const asked: boolean[] = [];
    const gate = new PriorityGate({ highBacklog: async () => (asked.push(true), answers.shift() ?? false) });
    const seen: string[] = [];
    await gate.normal(async (messages) => void seen.push(messages[0]!.topic))(chunk('n'));
    expect(asked.length).toBe(3);
    expect(seen).toEqual(['n']);
  });

  it('priority – a high backlog that never moves holds a normal chunk only up to maxWaitMs', async () => {
    const gate = new PriorityGate({ highBacklog: async () => true, maxWaitMs: 20 });
    const seen: string[] = [];
    await gate.normal(async (messages) => void seen.push(messages[0]!.topic))(chunk('n'));
    expect(seen).toEqual(['n']);
  });
});
