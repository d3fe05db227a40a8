import { createReadStream } from 'node:fs';
import readline from 'node:readline';
import type { Readable } from 'node:stream';

export interface SendOptions {
  readonly url: string;
  readonly file?: string;
  readonly batchLines: number;
  /** Where progress goes; a TTY gets a live line, anything else a line every few seconds. */
  readonly progress: NodeJS.WriteStream;
}

export interface SendResult {
  readonly lines: number;
  readonly bytes: number;
  readonly seconds: number;
}

/**
 * Ships lines from a file or stdin to the collector's HTTP input in batches,
 * retrying a batch the collector answers 503 to (it is waiting for the bus).
 */
export async function runSend(options: SendOptions, input: Readable = options.file ? createReadStream(options.file) : process.stdin): Promise<SendResult> {
  const started = Date.now();
  let lines = 0;
  let bytes = 0;
  let batch: string[] = [];
  let lastReport = 0;
  const report = (final: boolean) => {
    const now = Date.now();
    if (!final && now - lastReport < (options.progress.isTTY ? 200 : 5_000)) return;
    lastReport = now;
    const seconds = Math.max((now - started) / 1000, 0.001);
    const text = `sent ${lines.toLocaleString('en')} lines, ${(bytes / 1048576).toFixed(1)} MiB, ${Math.round(lines / seconds).toLocaleString('en')} lines/s`;
    options.progress.write(options.progress.isTTY ? `\r${text}${final ? '\n' : ''}` : `${text}\n`);
  };
  const flush = async () => {
    if (batch.length === 0) return;
    const body = batch.join('\n');
    await postWithRetry(options.url, body);
    lines += batch.length;
    bytes += Buffer.byteLength(body);
    batch = [];
    report(false);
  };
  for await (const line of readline.createInterface({ input, crlfDelay: Infinity })) {
    if (line.trim().length === 0) continue;
    batch.push(line);
    if (batch.length >= options.batchLines) await flush();
  }
  await flush();
  report(true);
  return { lines, bytes, seconds: (Date.now() - started) / 1000 };
}

async function postWithRetry(url: string, body: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    let response: Response;
    try {
      response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body });
    } catch (error) {
      if (attempt >= 10) throw new Error(`Could not reach the collector at ${url}: ${(error as Error).message}. Is \`siem start\` running?`);
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
      continue;
    }
    if (response.ok) return;
    if (response.status === 503 && attempt < 60) {
      await new Promise((resolve) => setTimeout(resolve, Number(response.headers.get('retry-after') ?? 1) * 1000));
      continue;
    }
    throw new Error(`The collector refused a batch with HTTP ${response.status}: ${await response.text()}`);
  }
}
