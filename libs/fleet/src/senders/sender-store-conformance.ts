import { expect, it } from 'vitest';
import type { Sender, SenderStore } from './sender';

const plc: Sender = { kind: 'address', id: '192.0.2.10', tenant: 'plant', site: 'plant-7', owner: 'ot-team', criticality: 'critical', tags: ['plc', 'line-3'], updatedAt: '2026-12-05T07:00:00.000Z' };

/** The cases both sender stores pass (embedded SQLite and OpenSearch). */
export function senderStoreConformance(open: () => Promise<SenderStore>): void {
  it('senders – put, get, list per tenant, replace and delete', async () => {
    const store = await open();
    await store.put(plc);
    await store.put({ kind: 'agent', id: 'gw-1', tenant: 'plant', site: 'plant-7', updatedAt: plc.updatedAt });
    await store.put({ ...plc, tenant: 'shop' });
    expect(await store.get('plant', 'address', '192.0.2.10')).toEqual(plc);
    expect((await store.list('plant')).map((s) => `${s.kind}:${s.id}`)).toEqual(['address:192.0.2.10', 'agent:gw-1']);
    expect((await store.list('shop')).map((s) => s.tenant)).toEqual(['shop']);
    expect((await store.listAll()).length).toBe(3);
    await store.put({ ...plc, owner: 'maintenance' });
    expect((await store.get('plant', 'address', '192.0.2.10'))?.owner).toBe('maintenance');
    expect(await store.delete('plant', 'agent', 'gw-1')).toBe(true);
    expect(await store.delete('plant', 'agent', 'gw-1')).toBe(false);
    expect(await store.get('plant', 'agent', 'gw-1')).toBeUndefined();
    await store.close();
  });

  it('senders – unknown sightings add up per tenant, and registering one takes it off the list', async () => {
    const store = await open();
    const sighting = { kind: 'mqtt_client' as const, id: 'sensor-9', tenant: 'plant', firstSeen: '2026-12-05T07:00:00.000Z', lastSeen: '2026-12-05T07:00:00.000Z', events: 3 };
    await store.recordUnknown([sighting, { ...sighting, kind: 'address', id: '198.51.100.7', events: 1 }]);
    await store.recordUnknown([{ ...sighting, firstSeen: '2026-12-05T07:05:00.000Z', lastSeen: '2026-12-05T07:05:00.000Z', events: 4 }]);
    await store.recordUnknown([{ ...sighting, tenant: 'shop', events: 1 }]);
    const unknown = await store.listUnknown('plant');
    expect(unknown.map((u) => [u.kind, u.id, u.events])).toEqual([
      ['mqtt_client', 'sensor-9', 7],
      ['address', '198.51.100.7', 1],
    ]);
    expect(unknown[0]).toMatchObject({ firstSeen: '2026-12-05T07:00:00.000Z', lastSeen: '2026-12-05T07:05:00.000Z', tenant: 'plant' });
    await store.put({ kind: 'mqtt_client', id: 'sensor-9', tenant: 'plant', updatedAt: plc.updatedAt });
    expect((await store.listUnknown('plant')).map((u) => u.id)).toEqual(['198.51.100.7']);
    expect((await store.listUnknown('shop')).map((u) => u.id)).toEqual(['sensor-9']);
    await store.close();
  });
}
