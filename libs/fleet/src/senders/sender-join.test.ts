import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EmbeddedSenderStore } from './embedded-sender-store';
import { SenderJoin, sendersOf } from './sender-join';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const logger = { warn: () => undefined };

function setup() {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'siem-sender-join-'));
  dirs.push(dataDir);
  const admin = new EmbeddedSenderStore({ dataDir });
  const join = new SenderJoin({ store: new EmbeddedSenderStore({ dataDir }), refreshMs: 60_000, logger, now: () => Date.parse('2026-12-05T07:00:00Z') });
  return { admin, join };
}

describe('sender join', () => {
  it('senders – an event names its agent, its peer address and its MQTT client', () => {
    expect(sendersOf({ observer: { name: 'gw-1' }, log: { source: { address: '192.0.2.10' } }, mqtt: { topic: 'logs/plant7/sensor-9' } })).toEqual([
      ['agent', 'gw-1'],
      ['address', '192.0.2.10'],
      ['mqtt_client', 'sensor-9'],
    ]);
    expect(sendersOf({ message: 'no sender' })).toEqual([]);
  });

  it('senders – a registered sender of the event\'s tenant is joined as observer.geo.name and labels; a change applies at the next refresh', async () => {
    const { admin, join } = setup();
    await admin.put({ kind: 'address', id: '192.0.2.10', tenant: 'plant', site: 'plant-7', owner: 'ot-team', criticality: 'critical', tags: ['plc', 'line-3'], updatedAt: '2026-12-05T07:00:00.000Z' });
    await join.start();
    const event = { organization: { id: 'plant' }, log: { source: { address: '192.0.2.10' } }, labels: { kept: 'yes' } };
    join.join(event);
    expect(event).toMatchObject({ observer: { geo: { name: 'plant-7' } }, labels: { kept: 'yes', sender: 'address:192.0.2.10', site: 'plant-7', owner: 'ot-team', criticality: 'critical', sender_tags: 'plc,line-3' } });
    // Another tenant's event from the same address is not joined.
    const other: Record<string, unknown> = { organization: { id: 'shop' }, log: { source: { address: '192.0.2.10' } } };
    join.join(other);
    expect(other.labels).toBeUndefined();

    await admin.put({ kind: 'address', id: '192.0.2.10', tenant: 'plant', site: 'plant-8', updatedAt: '2026-12-05T07:01:00.000Z' });
    await join.refresh();
    const later: Record<string, any> = { organization: { id: 'plant' }, log: { source: { address: '192.0.2.10' } } };
    join.join(later);
    expect(later.labels).toEqual({ sender: 'address:192.0.2.10', site: 'plant-8' });
    await join.stop();
    await admin.close();
  });

  it('senders – unregistered senders are counted and listed as unknown at the next refresh', async () => {
    const { admin, join } = setup();
    await join.start();
    for (let i = 0; i < 3; i++) join.join({ log: { source: { address: '198.51.100.7' } } });
    join.join({ organization: { id: 'plant' }, mqtt: { topic: 'logs/sensor-9' } });
    await join.refresh();
    expect((await admin.listUnknown('default')).map((u) => [u.kind, u.id, u.events])).toEqual([['address', '198.51.100.7', 3]]);
    expect((await admin.listUnknown('plant')).map((u) => [u.kind, u.id, u.events])).toEqual([['mqtt_client', 'sensor-9', 1]]);
    await join.stop();
    await admin.close();
  });
});
