import { describe, expect, it } from 'vitest';
import { EventClock } from './event-clock';

describe('EventClock', () => {
  it('has no time before the first signal, holds at the newest signal while its input is active, then runs on at wall speed', () => {
    const clock = new EventClock(1000);
    expect(clock.now(1000)).toBeUndefined();
    clock.observe('0', 50_000, 1000);
    expect(clock.now(1500)).toBe(50_000);
    expect(clock.now(4000)).toBe(53_000);
    clock.observe('0', 40_000, 4000);
    expect(clock.now(4000)).toBe(50_000);
  });

  it('is held back by the active partition that is behind, so partitions read in turns are not late, and not by a quiet one', () => {
    const clock = new EventClock(1000);
    clock.observe('0', 600_000, 1000);
    clock.observe('1', 30_000, 1001);
    expect(clock.now(1001)).toBe(30_000);
    clock.observe('1', 590_000, 1002);
    expect(clock.now(1002)).toBe(590_000);
    // Partition 1 goes quiet: it no longer holds the active partition 0 back.
    clock.observe('0', 700_000, 1500);
    expect(clock.now(2100)).toBe(700_000);
    // Both quiet: the furthest of them, run on at wall speed.
    expect(clock.now(3000)).toBe(700_000 + 1500);
  });

  it('waits idleMs after the first signal for partitions never heard from, and until a backlog partition delivered', () => {
    const clock = new EventClock(1000);
    clock.know(['0', '1', '2']);
    clock.observe('0', 600_000, 1000);
    expect(clock.now(1500)).toBeUndefined();
    clock.observe('1', 30_000, 1600);
    expect(clock.now(1700)).toBeUndefined();
    expect(clock.now(2000)).toBe(30_000);
    const backlog = new EventClock(1000);
    backlog.await(['1'], 10_000);
    backlog.observe('0', 5000, 1000);
    expect(backlog.now(9999)).toBeUndefined();
    backlog.touch('1');
    expect(backlog.now(9999)).toBe(5000 + 8999);
  });

  it('restores the newest times and does not count the downtime as time passed', () => {
    const clock = new EventClock(1000);
    clock.observe('0', 100_000, 1000);
    const restored = new EventClock(1000);
    restored.restore(clock.state(), 900_000);
    expect(restored.now(900_000)).toBe(100_000);
    expect(restored.now(902_000)).toBe(102_000);
    restored.restore({ newest: { '0': Number.NaN } }, 5);
    expect(restored.now(5)).toBeUndefined();
  });
});
