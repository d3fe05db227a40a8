import type { Enricher } from '@siem/enrich';
import type { SenderJoin } from '@siem/fleet';

/** The enricher followed by the sender registry's join: the event's tenant and receipt fields are set by then. */
export function withSenders(enricher: Enricher, senders: Pick<SenderJoin, 'join' | 'stop'>): Enricher {
  return {
    enrich(event) {
      enricher.enrich(event);
      senders.join(event as unknown as Record<string, unknown>);
    },
    stats: () => enricher.stats(),
    close() {
      enricher.close();
      void senders.stop();
    },
  };
}
