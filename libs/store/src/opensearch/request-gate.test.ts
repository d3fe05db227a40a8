import { deferred } from '@siem/testing';
import { describe, expect, it } from 'vitest';
import { RequestGate } from './request-gate';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('RequestGate', () => {
  it('runs no more operations at once than its limit', async () => {
    const gate = new RequestGate(2);
    const blockers = [deferred(), deferred(), deferred()];
    const started: number[] = [];
    const runs = blockers.map((blocker, index) =>
      gate.run(async () => {
        started.push(index);
        await blocker.promise;
      }),
    );
    await tick();
    expect(started).toEqual([0, 1]);
    blockers[1]!.resolve();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    blockers[0]!.resolve();
    blockers[2]!.resolve();
    await Promise.all(runs);
  });

  it('serves waiters in arrival order, ahead of later callers', async () => {
    const gate = new RequestGate(1);
    const first = deferred();
    const order: string[] = [];
    const running = gate.run(() => first.promise);
    const queued = ['a', 'b', 'c'].map((name) => gate.run(async () => void order.push(name)));
    await tick();
    first.resolve();
    await running;
    const late = gate.run(async () => void order.push('late'));
    await Promise.all([...queued, late]);
    expect(order).toEqual(['a', 'b', 'c', 'late']);
  });

  it('frees the place of an operation that failed and passes its error on', async () => {
    const gate = new RequestGate(1);
    await expect(gate.run(() => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    await expect(gate.run(async () => 'next')).resolves.toBe('next');
  });
});
