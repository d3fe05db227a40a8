import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startApp, type AppProcess } from '../app-process';
import { waitFor } from '../wait-for';
import { faultScale, httpIngestSink, reportFault, saveFaultRule, settleAndCountEmbedded, SteadyStream } from './fault-harness';
import { deploymentEnv } from './pipeline-env';

const EVENTS_PER_SECOND = faultScale(400, 1_000);
/** Room left on the data directory's file system once the filler is written: filled within seconds. */
const HEADROOM_BYTES = faultScale(3, 12) * 1024 * 1024;
const FILESYSTEM_MB = 96;

// A small file system of its own (tmpfs), so that filling it harms nothing else; mounting needs root, as `npm test` does for its packages.
const isRoot = process.getuid?.() === 0;
const scratch = mkdtempSync(path.join(tmpdir(), 'siem-full-'));
const mountPoint = path.join(scratch, 'fs');
let mounted = false;
const apps: AppProcess[] = [];
afterAll(async () => {
  await Promise.all(apps.map((app) => app.stop()));
  if (mounted) execFileSync('umount', [mountPoint]);
  rmSync(scratch, { recursive: true, force: true });
});

describe('data directory full', () => {
  it.skipIf(!isRoot)('answers senders with backpressure while the embedded data directory is full, and stores every acknowledged event once when space comes back', async () => {
    const started = Date.now();
    mkdirSync(mountPoint);
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${FILESYSTEM_MB}m`, 'tmpfs', mountPoint]);
    mounted = true;
    const dataDir = path.join(mountPoint, 'data');
    const setup = await deploymentEnv({ kind: 'embedded', dataDir }, { SIEM_RULES_POLL_MS: '500' });
    await saveFaultRule({ dataDir });
    const collector = startApp('collector', setup.env);
    const processor = startApp('processor', setup.env);
    apps.push(collector, processor);
    await collector.waitForLog('the collector to listen', (l) => l.msg === 'The collector is listening.', 180_000);
    await processor.waitForLog('both workers to consume', () => processor.logs.filter((l) => l.msg === 'The processor worker is consuming.').length === 2, 180_000);

    const refusals = new Map<string, number>();
    const stream = new SteadyStream(httpIngestSink(setup.httpPort, refusals), { runId: setup.runId, total: Number.MAX_SAFE_INTEGER, eventsPerSecond: EVENTS_PER_SECOND, batch: 100 });
    await waitFor('events acknowledged before the disk fills', () => stream.acknowledged.length > EVENTS_PER_SECOND, 60_000, 200);
    const free = () => {
      const stats = statfsSync(mountPoint);
      return stats.bavail * stats.bsize;
    };
    const filler = path.join(mountPoint, 'filler');
    writeFileSync(filler, Buffer.alloc(Math.max(0, free() - HEADROOM_BYTES)));
    const refusedBefore = stream.refused.length;
    await waitFor('senders to be refused (backpressure)', () => stream.refused.length > refusedBefore, 120_000, 200);
    const acknowledgedWhenFull = stream.acknowledged.length;
    // Refusals go on while the disk stays full: a few seconds of them, then space comes back.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    rmSync(filler);
    const freedAt = Date.now();
    await waitFor('senders to be acknowledged again', () => stream.acknowledged.length > acknowledgedWhenFull + EVENTS_PER_SECOND, 120_000, 200);
    const resumedAfterMs = Date.now() - freedAt;
    await stream.stop();
    const counts = await settleAndCountEmbedded(dataDir, stream, 180_000);
    await reportFault({
      fault: `embedded data directory full (${HEADROOM_BYTES / 1024 / 1024} MiB left, then freed)`,
      deployment: 'embedded',
      ...counts,
      seconds: (Date.now() - started) / 1000,
      notes: `${counts.sent - counts.acknowledged} events refused while full, requests answered ${[...refusals].map(([status, n]) => `${status}: ${n}`).join(', ')}; acknowledged again ${(resumedAfterMs / 1000).toFixed(1)} s after space came back`,
    });
    expect(counts.sent).toBeGreaterThan(counts.acknowledged);
    expect(counts.lost).toBe(0);
    expect(counts.duplicated).toBe(0);
    expect(counts.alertsFound).toBe(counts.alertsExpected);
    expect(await processor.stop()).toBe(0);
    expect(await collector.stop()).toBe(0);
  }, 600_000);
});
