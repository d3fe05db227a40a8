import { describe, expect, it } from 'vitest';
import type { Enricher } from '@siem/enrich';
import type { EcsEvent } from '@siem/schema';
import { withSenders } from './sender-enricher';

describe('sender enricher', () => {
  it('senders – the join runs after the enricher on the same event, and close stops both', () => {
    const calls: string[] = [];
    const enricher = { enrich: (event: EcsEvent) => void calls.push(`enrich ${String(event.message)}`), stats: () => ({}) as ReturnType<Enricher['stats']>, close: () => void calls.push('close enricher') };
    const senders = { join: (event: Record<string, unknown>) => void calls.push(`join ${String(event.message)}`), stop: async () => void calls.push('stop join') };
    const joined = withSenders(enricher, senders);
    joined.enrich({ message: 'a' } as EcsEvent);
    joined.close();
    expect(calls).toEqual(['enrich a', 'join a', 'close enricher', 'stop join']);
  });
});
