import { execFile } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, startCli, type AppProcess } from '../app-process';
import { waitFor } from '../wait-for';
import { apiClient } from './api-client';
import { deploymentEnv, type PipelineEnv } from './pipeline-env';

const run = promisify(execFile);
const scratch = mkdtempSync(path.join(tmpdir(), 'siem-files-'));

let setup: PipelineEnv;
const apps: AppProcess[] = [];

const { count, search } = apiClient(() => setup.apiPort, () => setup.apiHeaders);

async function startAgent(args: string[]): Promise<AppProcess> {
  const agent = startCli(['agent', ...args], setup.env);
  await agent.waitForLog('the agent to run', (l) => l.msg === 'The collector is listening.');
  return agent;
}

const json = (marker: string, name: string, count: number) => Array.from({ length: count }, (_, i) => `${JSON.stringify({ message: `${marker} ${name} ${i}` })}\n`).join('');
const expected = (marker: string, name: string, count: number) => Array.from({ length: count }, (_, i) => `${marker} ${name} ${i}`);

beforeAll(async () => {
  // One partition and one worker: events are indexed in the order the agent read them, so once the last line is searchable any duplicate of an earlier one would be too.
  setup = await deploymentEnv({ kind: 'embedded', dataDir: path.join(scratch, 'data') }, { SIEM_TOPIC_PARTITIONS: '1', SIEM_PROCESSOR_WORKERS: '1', SIEM_FILE_POLL_MS: '50', SIEM_FILE_SCAN_INTERVAL_MS: '200', SIEM_FILE_MULTILINE_TIMEOUT_MS: '300' });
  const processor = startApp('processor', setup.env);
  const api = startApp('api', setup.env);
  apps.push(processor, api);
  await processor.waitForLog('a worker to consume', (l) => l.msg === 'The processor worker is consuming.', 90_000);
  await api.waitForLog('the API to listen', (l) => l.msg === 'The API is listening.');
});

afterAll(async () => {
  const codes = await Promise.all(apps.map((app) => app.stop()));
  rmSync(scratch, { recursive: true, force: true });
  expect(codes).toEqual([0, 0]);
});

describe('siem agent, tailing files into the embedded deployment', () => {
  it('sends every line exactly once through a rename rotation, a truncation and two restarts, with log.file.path', async () => {
    const marker = `tail${setup.runId}`;
    const dir = path.join(scratch, 'rotation');
    mkdirSync(dir);
    const file = path.join(dir, 'app.log');
    const all: string[] = [];
    const arrived = async (total: number) => waitFor(`${total} lines`, async () => (await count(marker)) === total);

    appendFileSync(file, json(marker, 'first', 5));
    all.push(...expected(marker, 'first', 5));
    let agent = await startAgent(['--files', path.join(dir, '*.log')]);
    await arrived(5);

    renameSync(file, `${file}.1`);
    // The application still writes its last lines to the renamed file before reopening.
    appendFileSync(`${file}.1`, json(marker, 'late', 3));
    appendFileSync(file, json(marker, 'second', 4));
    all.push(...expected(marker, 'late', 3), ...expected(marker, 'second', 4));
    await arrived(12);

    expect(await agent.stop()).toBe(0);
    appendFileSync(file, json(marker, 'while-stopped', 2));
    all.push(...expected(marker, 'while-stopped', 2));
    agent = await startAgent(['--files', path.join(dir, '*.log')]);
    await arrived(14);

    await run('truncate', ['-s', '0', file]);
    appendFileSync(file, json(marker, 'after-truncation', 3));
    all.push(...expected(marker, 'after-truncation', 3));
    await arrived(17);

    expect(await agent.stop()).toBe(0);
    agent = await startAgent(['--files', path.join(dir, '*.log')]);
    appendFileSync(file, json(marker, 'last', 1));
    all.push(...expected(marker, 'last', 1));
    await waitFor('the last line', async () => (await count(`"${marker} last 0"`)) === 1);
    expect(await agent.stop()).toBe(0);

    const hits = await search(marker);
    expect(hits.map((hit) => hit.event.message).sort()).toEqual(all.sort());
    const paths = new Set(hits.map((hit) => hit.event.log.file.path));
    expect(paths).toEqual(new Set([file]));
  });

  it('joins a Java stack trace into one event and survives invalid UTF-8 and a 10 MiB line', async () => {
    const marker = `trace${setup.runId}`;
    const dir = path.join(scratch, 'multiline');
    mkdirSync(dir);
    const file = path.join(dir, 'service.log');
    const trace = [
      `2026-11-23 10:00:00 ERROR ${marker} request failed`,
      `java.lang.IllegalStateException: ${marker} boom`,
      '\tat com.example.Service.run(Service.java:42)',
      '\tat java.base/java.lang.Thread.run(Thread.java:833)',
    ];
    appendFileSync(
      file,
      Buffer.concat([
        Buffer.from(`${trace.join('\n')}\n2026-11-23 10:00:01 INFO ${marker} recovered\n`),
        Buffer.from(`2026-11-23 10:00:02 WARN ${marker} bad bytes `),
        Buffer.from([0xc3, 0x28, 0x0a]),
        Buffer.from(`2026-11-23 10:00:03 WARN ${marker} huge `),
        Buffer.alloc(10 * 1024 * 1024, 'x'),
        Buffer.from(`\n2026-11-23 10:00:04 INFO ${marker} done\n`),
      ]),
    );
    const agent = await startAgent(['--files', path.join(dir, '*.log'), '--multiline-start', '^\\d{4}-\\d{2}-\\d{2} ']);
    await waitFor('the last event', async () => (await count(`"${marker} done"`)) === 1);
    expect(await agent.stop()).toBe(0);

    // Free text is not a format auto knows, so these are dead letters, searchable with the whole text.
    const letters = await search('event.kind:pipeline_error siem.dead_letter.input:file');
    expect(letters).toHaveLength(5);
    const joined = letters.filter((hit) => hit.event.message.includes(`${marker} boom`));
    expect(joined.map((hit) => hit.event.message)).toEqual([trace.join('\n')]);
    const huge = letters.find((hit) => hit.event.message.includes(`${marker} huge`));
    expect(huge?.event.event.original.length).toBe(65536);
    expect(letters.filter((hit) => hit.event.error.code === 'SIEM_PARSE_INVALID_UTF8')).toHaveLength(1);
    expect(new Set(letters.map((hit) => hit.event.log.file.path))).toEqual(new Set([file]));
  });
});
