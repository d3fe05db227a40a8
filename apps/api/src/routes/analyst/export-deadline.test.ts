import { describe, expect, it } from 'vitest';
import { withDeadline } from './export-deadline';

async function* pages(count: number, reads: string[]): AsyncGenerator<string> {
  for (let i = 0; i < count; i++) {
    reads.push(`page ${i}`);
    yield `{"n":${i}}\n`;
  }
}

async function drain(rows: AsyncGenerator<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const chunk of rows) out.push(chunk);
  return out;
}

describe('withDeadline', () => {
  it('passes every page through when the export ends in time', async () => {
    const reads: string[] = [];
    const exceeded: number[] = [];
    expect(await drain(withDeadline(pages(3, reads), { maxMs: 1000, format: 'ndjson', onExceeded: (n) => exceeded.push(n), now: () => 0 }))).toEqual(['{"n":0}\n', '{"n":1}\n', '{"n":2}\n']);
    expect(exceeded).toEqual([]);
  });

  it('stops reading past the deadline and ends NDJSON with an error line', async () => {
    const reads: string[] = [];
    const exceeded: number[] = [];
    let clock = 0;
    const out = await drain(
      withDeadline(
        (async function* () {
          for await (const page of pages(100, reads)) {
            clock += 400;
            yield page;
          }
        })(),
        { maxMs: 1000, format: 'ndjson', onExceeded: (n) => exceeded.push(n), now: () => clock },
      ),
    );
    expect(out.slice(0, 3)).toEqual(['{"n":0}\n', '{"n":1}\n', '{"n":2}\n']);
    expect(out).toHaveLength(4);
    expect(JSON.parse(out[3]!)).toEqual({ error: { code: 'SIEM_API_EXPORT_TOO_LONG', message: expect.stringContaining('SIEM_API_EXPORT_MAX_SECONDS') } });
    expect(reads).toHaveLength(3);
    expect(exceeded).toEqual([3]);
  });

  it('ends CSV with a comment line naming the code', async () => {
    let clock = 0;
    const out = await drain(
      withDeadline(
        (async function* () {
          yield 'a,b\r\n1,2\r\n';
          clock = 5000;
          yield '3,4\r\n';
        })(),
        { maxMs: 1000, format: 'csv', onExceeded: () => undefined, now: () => clock },
      ),
    );
    expect(out).toEqual(['a,b\r\n1,2\r\n', '3,4\r\n', expect.stringMatching(/^# error SIEM_API_EXPORT_TOO_LONG: .*\r\n$/)]);
  });
});
