import http from 'node:http';
import { Readable, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSend } from './send-command';

const received: string[][] = [];
let refuseNext = 1;
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
    response.writeHead(200).end('{}');
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
  });
});
