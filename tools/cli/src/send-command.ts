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
  /** Lines the collector took as records (durable in the bus). */
  readonly accepted: number;
  /** Lines the collector named in `rejected` (kept as dead letters). */
  readonly refused: number;
  /** Lines the collector cut to its size limit (accepted, tagged `truncated`). */
  readonly truncated: number;
  /** The collector's reason for the first refused line, if any. */
  readonly firstRefusal?: string;
}

/** What the collector's `/ingest` answers with a 200. */
interface IngestAnswer {
  readonly accepted: number;
  readonly refused: number;
  readonly truncated: number;
  readonly firstRefusal?: string;
}

/**
 * Ships lines from a file or stdin to the collector's HTTP input in batches,
 * retrying a batch the collector answers 503 to (it is waiting for the bus),
 * and adds up what the collector answers for each batch. A batch of JSON
 * objects goes as NDJSON, so the collector names the broken ones; any other
 * batch goes as text lines (log files), whose format the processor detects.
 */
export async function runSend(options: SendOptions, input: Readable = options.file ? createReadStream(options.file) : process.stdin): Promise<SendResult> {
  const started = Date.now();
  let lines = 0;
  let bytes = 0;
  let accepted = 0;
  let refused = 0;
  let truncated = 0;
  let firstRefusal: string | undefined;
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
    const answer = await postWithRetry(options.url, body, batch.every(isJsonObjectLine) ? NDJSON : TEXT_LINES);
    accepted += answer.accepted;
    refused += answer.refused;
    truncated += answer.truncated;
    firstRefusal ??= answer.firstRefusal;
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
  const result = { lines, bytes, seconds: (Date.now() - started) / 1000, accepted, refused, truncated };
  return firstRefusal === undefined ? result : { ...result, firstRefusal };
}

const NDJSON = 'application/x-ndjson';
const TEXT_LINES = 'text/plain; charset=utf-8';

const isJsonObjectLine = (line: string): boolean => line.trimStart().startsWith('{');

/** Reads the counts from a 200 answer; a body without them (an older collector, a proxy) counts the whole batch as accepted. */
function readAnswer(text: string, batchLines: number): IngestAnswer {
  let answer: { accepted?: unknown; rejected?: unknown; truncated?: unknown };
  try {
    answer = JSON.parse(text) as typeof answer;
  } catch {
    return { accepted: batchLines, refused: 0, truncated: 0 };
  }
  const rejected = Array.isArray(answer.rejected) ? (answer.rejected as { line?: number; message?: string }[]) : [];
  const first = rejected[0];
  return {
    accepted: typeof answer.accepted === 'number' ? answer.accepted : batchLines - rejected.length,
    refused: rejected.length,
    truncated: Array.isArray(answer.truncated) ? answer.truncated.length : 0,
    ...(first !== undefined && { firstRefusal: String(first.message ?? 'no reason given') }),
  };
}

async function postWithRetry(url: string, body: string, contentType: string): Promise<IngestAnswer> {
  const batchLines = body.split('\n').length;
  for (let attempt = 1; ; attempt++) {
    let response: Response;
    try {
      response = await fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body });
    } catch (error) {
      if (attempt >= 10) throw new Error(`Could not reach the collector at ${url}: ${(error as Error).message}. Is \`siem start\` running?`);
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
      continue;
    }
    if (response.ok) return readAnswer(await response.text(), batchLines);
    if (response.status === 503 && attempt < 60) {
      await new Promise((resolve) => setTimeout(resolve, Number(response.headers.get('retry-after') ?? 1) * 1000));
      continue;
    }
    throw new Error(`The collector refused a batch with HTTP ${response.status}: ${await response.text()}`);
  }
}

/** The closing line of `siem send`: what the collector took and what it refused. */
export function sendSummary(result: SendResult): string {
  const count = (value: number) => value.toLocaleString('en');
  let text = `done: ${count(result.lines)} lines in ${result.seconds.toFixed(1)} s; the collector accepted ${count(result.accepted)} and refused ${count(result.refused)}`;
  if (result.truncated > 0) text += ` (${count(result.truncated)} cut to the size limit)`;
  if (result.firstRefusal !== undefined) text += `; first refusal: ${result.firstRefusal}`;
  return `${text}. Lines no parser recognises go to the dead letters (siem dlq replay after fixing the parser configuration).`;
}
