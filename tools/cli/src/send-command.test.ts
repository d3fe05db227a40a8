import http from 'node:http';
import { Readable, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSend, sendSummary } from './send-command';

const received: string[][] = [];
const contentTypes: string[] = [];
let refuseNext = 1;
/** Answers to give, in turn, instead of `{}`. */
const answers: string[] = [];
const server = http.createServer((request, response) => {
  let body = '';
  request.on('data', (chunk) => (body += chunk));
  request.on('end', () => {
    if (refuseNext > 0) {
      refuseNext--;
      response.writeHead(503, { 'retry-after': '0' }).end('{"error":{"code":"SIEM_COLLECTOR_BACKPRESSURE"}}');
      return;
    }
    received.push(body.split('\n'));
    contentTypes.push(request.headers['content-type'] ?? '');
    response.writeHead(200).end(answers.shift() ?? '{}');
  });
});
let url = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/ingest`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

class Sink extends Writable {
  text = '';
  isTTY = false;
  override _write(chunk: Buffer, _encoding: string, done: () => void) {
    this.text += chunk.toString();
    done();
  }
}

describe('runSend', () => {
  it('ships every non-blank line in batches, retries a 503 and reports the rate', async () => {
    const progress = new Sink();
    const input = Readable.from(['a\nb\n\n', 'c\r\nd\ne']);
    const result = await runSend({ url, batchLines: 2, progress: progress as unknown as NodeJS.WriteStream }, input);
    expect(received).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect(result.lines).toBe(5);
    expect(progress.text).toMatch(/sent 5 lines, .* lines\/s/);
    expect(result).toMatchObject({ accepted: 5, refused: 0, truncated: 0 });
  });

  it('sends JSON batches as NDJSON and log lines as text, and adds up what the collector accepted and refused', async () => {
    received.length = 0;
    contentTypes.length = 0;
    answers.push(
      JSON.stringify({ accepted: 1, rejected: [{ line: 2, code: 'SIEM_PARSE_INVALID_JSON', message: 'Not valid JSON.' }] }),
      JSON.stringify({ accepted: 2, truncated: [1] }),
    );
    const input = Readable.from(['{"a":1}\n{"broken\n', 'Dec  4 10:00:00 web-2 sshd[1000]: hi\nDec  4 10:00:01 web-2 sshd[1000]: ho\n']);
    const result = await runSend({ url, batchLines: 2, progress: new Sink() as unknown as NodeJS.WriteStream }, input);
    expect(contentTypes).toEqual(['application/x-ndjson', 'text/plain; charset=utf-8']);
    expect(result).toMatchObject({ lines: 4, accepted: 3, refused: 1, truncated: 1, firstRefusal: 'Not valid JSON.' });
    expect(sendSummary(result)).toMatch(/^done: 4 lines in .* s; the collector accepted 3 and refused 1 \(1 cut to the size limit\); first refusal: Not valid JSON\./);
  });
});
