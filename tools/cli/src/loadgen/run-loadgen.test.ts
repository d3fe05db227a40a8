import { describe, expect, it } from 'vitest';
import type { GeneratedLine } from './mixed-lines';
import { loadgenSummary, parseDuration, runLoadgen } from './run-loadgen';
import type { LineSender } from './senders';

function recordingSender(outcome: (lines: readonly GeneratedLine[]) => { acknowledged?: number; rejected: number }) {
  const received: GeneratedLine[] = [];
  let closed = false;
  const sender: LineSender = {
    send: async (lines) => {
      received.push(...lines);
      return outcome(lines);
    },
    close: async () => {
      closed = true;
    },
  };
  return { sender, received, isClosed: () => closed };
}

describe('loadgen – pacing and accounting', () => {
  it('loadgen – never sends more than the rate owes, adds up acknowledged and rejected, and closes the sender', async () => {
    const { sender, received, isClosed } = recordingSender((lines) => ({ acknowledged: lines.length - 1, rejected: 1 }));
    const result = await runLoadgen({ rate: 2000, durationMs: 400, mix: ['json', 'cef'], via: 'http' }, sender);
    expect(result.sent).toBe(received.length);
    expect(result.sent).toBeGreaterThan(0);
    expect(result.sent).toBeLessThanOrEqual(800);
    expect(result.acknowledged! + result.rejected).toBe(result.sent);
    expect(result.byKind.json! + result.byKind.cef!).toBe(result.sent);
    expect(isClosed()).toBe(true);
  });

  it('loadgen – reports acknowledged as unknown for a protocol without acknowledgements', async () => {
    const { sender } = recordingSender(() => ({ rejected: 0 }));
    const result = await runLoadgen({ rate: 500, durationMs: 200, mix: ['syslog'], via: 'udp' }, sender);
    expect(result.acknowledged).toBeUndefined();
    expect(loadgenSummary(result)).toContain('acknowledged n/a (syslog over udp has no acknowledgement');
  });

  it('loadgen – a batch that throws counts as rejected and failed, and the run goes on', async () => {
    let calls = 0;
    const sender: LineSender = {
      send: async (lines) => {
        if (++calls === 1) throw new Error('connection reset');
        return { acknowledged: lines.length, rejected: 0 };
      },
      close: async () => undefined,
    };
    const result = await runLoadgen({ rate: 1000, durationMs: 300, mix: ['json'], via: 'bulk' }, sender);
    expect(result.failedBatches).toBe(1);
    expect(result.rejected).toBeGreaterThan(0);
    expect(result.acknowledged! + result.rejected).toBe(result.sent);
  });

  it('loadgen – refuses a rate that is not positive, and reads durations', async () => {
    const { sender } = recordingSender(() => ({ rejected: 0 }));
    await expect(runLoadgen({ rate: 0, durationMs: 100, mix: ['json'], via: 'udp' }, sender)).rejects.toThrow(/--rate/);
    expect(parseDuration('60s')).toBe(60_000);
    expect(parseDuration('2m')).toBe(120_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('5')).toBe(5000);
    expect(() => parseDuration('soon')).toThrow(/not a duration/);
  });
});
