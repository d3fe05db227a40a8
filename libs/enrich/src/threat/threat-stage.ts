/**
 * Indicator match: addresses, URLs, domains (and their parent domains: an
 * indicator `evil.com` matches `a.b.evil.com`) and file and process hashes
 * of an event are looked up in the loaded indicators. Each match is appended
 * to ECS `threat.enrichments` with `matched.type: 'enrichment'`, the event
 * value as `matched.atomic`, the feed file as `matched.index` and the
 * source's id as `matched.id`.
 */
import type { EcsEvent } from '@siem/schema';
import type { Logger } from '@siem/telemetry';
import { ensureObject, valueAt, type Fields } from '../event-fields';
import { loadWatchedFile, sumReloads, type ReloadCounts, type WatchOptions, type WatchedFile } from '../files/watched-file';
import { parseIp } from '../ip/ip-address';
import { IndicatorIndex } from './indicator-index';
import { MAX_INDICATOR_LENGTH, normaliseDomain, normaliseUrl, type Indicator } from './indicator';
import { readFeed, type Feed } from './read-feed';

const IP_FIELDS = ['source.ip', 'destination.ip', 'client.ip', 'server.ip'];
const URL_FIELDS = ['url.original', 'url.full'];
const DOMAIN_FIELDS = ['url.domain', 'destination.domain', 'server.domain', 'dns.question.name'];
const HASH_FIELDS = ['file', 'process', 'process.parent', 'dll'].flatMap((owner) => ['md5', 'sha1', 'sha256', 'sha512'].map((algorithm) => `${owner}.hash.${algorithm}`));

const split = (fields: string[]): [string, string[]][] => fields.map((field) => [field, field.split('.')]);
const IP_PATHS = split(IP_FIELDS);
const URL_PATHS = split(URL_FIELDS);
const DOMAIN_PATHS = split(DOMAIN_FIELDS);
const HASH_PATHS = split(HASH_FIELDS);

export interface ThreatCounts {
  indicators: number;
  matches: number;
  eventsMatched: number;
}

export interface ThreatStage {
  process(event: EcsEvent): void;
  counts(): ThreatCounts;
  feeds(): readonly Feed[];
  reloads(): ReloadCounts;
  close(): void;
}

interface Match {
  readonly indicator: Indicator;
  readonly field: string;
  readonly atomic: string;
}

export function createThreatStage(paths: readonly string[], watch: WatchOptions | undefined, logger: Logger): ThreatStage {
  const feeds: Feed[] = [];
  const files: WatchedFile<Feed>[] = [];
  const counts = { matches: 0, eventsMatched: 0 };
  let index = new IndicatorIndex([]);

  const rebuild = (): void => {
    index = new IndicatorIndex(feeds.flatMap((feed) => feed.indicators));
  };

  paths.forEach((path, slot) => {
    const file = loadWatchedFile(
      {
        path,
        what: 'threat intelligence file',
        load: (content, at) => reportFeed(readFeed(content, at), logger),
        onReload: (feed) => {
          feeds[slot] = feed;
          rebuild();
        },
      },
      watch,
    );
    feeds[slot] = file.initial;
    files.push(file);
  });
  rebuild();

  const matchesOf = (event: EcsEvent): Match[] => {
    const current = index;
    const found: Match[] = [];
    if (current.networks.size > 0) {
      for (const [field, path] of IP_PATHS) {
        const value = valueAt(event, path);
        const address = typeof value === 'string' ? parseIp(value) : undefined;
        if (address) for (const indicator of current.networks.match(address)) found.push({ indicator, field, atomic: value as string });
      }
    }
    if (current.urls.size > 0) {
      for (const [field, path] of URL_PATHS) {
        const value = valueAt(event, path);
        const url = typeof value === 'string' && value.length <= MAX_INDICATOR_LENGTH ? normaliseUrl(value) : undefined;
        for (const indicator of (url && current.urls.get(url)) || []) found.push({ indicator, field, atomic: value as string });
      }
    }
    if (current.domains.size > 0) {
      for (const [field, path] of DOMAIN_PATHS) {
        const value = valueAt(event, path);
        if (typeof value === 'string' && value.length <= 253) matchDomain(current, normaliseDomain(value), field, value, found);
      }
    }
    if (current.hashes.size > 0) {
      for (const [field, path] of HASH_PATHS) {
        const value = valueAt(event, path);
        for (const indicator of (typeof value === 'string' && current.hashes.get(value.toLowerCase())) || []) found.push({ indicator, field, atomic: value as string });
      }
    }
    return found;
  };

  return {
    process(event) {
      if (index.size === 0) return;
      const found = matchesOf(event);
      if (found.length === 0) return;
      const threat = ensureObject(event as Fields, 'threat');
      if (!threat) return;
      // A sender's non-array `threat.enrichments` is kept as it came, like any field this stage does not own.
      if (threat.enrichments !== undefined && !Array.isArray(threat.enrichments)) return;
      const enrichments = (threat.enrichments ??= []) as unknown[];
      // One enrichment per indicator even when url.original and url.full both carry it.
      const reported = new Set<Indicator>();
      for (const match of found) {
        if (reported.has(match.indicator)) continue;
        reported.add(match.indicator);
        enrichments.push(toEnrichment(match));
      }
      counts.matches += reported.size;
      counts.eventsMatched++;
    },
    counts: () => ({ indicators: index.size, ...counts }),
    feeds: () => [...feeds],
    reloads: () => sumReloads(files),
    close() {
      for (const file of files) file.close();
    },
  };
}

function matchDomain(index: IndicatorIndex, domain: string, field: string, atomic: string, found: Match[]): void {
  let candidate = domain;
  for (;;) {
    for (const indicator of index.domains.get(candidate) ?? []) found.push({ indicator, field, atomic });
    const dot = candidate.indexOf('.');
    if (dot === -1) return;
    candidate = candidate.slice(dot + 1);
  }
}

function toEnrichment({ indicator, field, atomic }: Match): Record<string, unknown> {
  const ecs: Record<string, unknown> = { type: indicator.type, name: indicator.value };
  if (indicator.network) {
    const single = indicator.network.prefix === (indicator.network.address.version === 4 ? 32 : 128);
    if (single) ecs.ip = indicator.value.split('/')[0];
  } else if (indicator.type === 'domain-name') {
    ecs.url = { domain: indicator.value };
  } else if (indicator.type === 'url') {
    ecs.url = { original: indicator.value };
  } else if (indicator.hash) {
    ecs.file = { hash: { [indicator.hash]: indicator.value } };
  }
  ecs.provider = indicator.provider ?? indicator.feed;
  if (indicator.description) ecs.description = indicator.description;
  if (indicator.confidence) ecs.confidence = indicator.confidence;
  const matched: Record<string, unknown> = { atomic, field, type: 'enrichment', index: indicator.feed };
  if (indicator.id) matched.id = indicator.id;
  return { indicator: ecs, matched };
}

/** One line per load: how many indicators, and what was skipped (a warning) or ignored on purpose. */
function reportFeed(feed: Feed, logger: Logger): Feed {
  const details = {
    file: feed.path,
    format: feed.format,
    indicators: feed.indicators.length,
    skipped: Object.fromEntries(feed.skipped),
    ignored: Object.fromEntries(feed.ignored),
  };
  if (feed.skipped.size > 0) logger.warn({ ...details, examples: feed.examples }, 'Some entries of the indicator file are malformed and were skipped.');
  else logger.info(details, 'Loaded the indicator file.');
  return feed;
}
