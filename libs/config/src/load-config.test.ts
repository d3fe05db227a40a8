import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors';
import { loadConfig } from './load-config';

describe('loadConfig', () => {
  it('fills every default when no variable is set', () => {
    const config = loadConfig({});
    expect(config.kafka.rawTopic).toBe('siem.raw');
    expect(config.kafka.deadLetterTopic).toBe('siem.dlq');
    expect(config.kafka.consumerGroup).toBe('siem-processor');
    expect(config.collector.syslogPort).toBe(5514);
    expect(config.collector.httpPort).toBe(8088);
    expect(config.api.port).toBe(8080);
    expect(config.kafka.partitions).toBeGreaterThanOrEqual(1);
  });

  it('reads brokers as a comma-separated list and integers as numbers', () => {
    const config = loadConfig({ SIEM_KAFKA_BROKERS: 'a:9092, b:9092', SIEM_API_PORT: '9000' });
    expect(config.kafka.brokers).toEqual(['a:9092', 'b:9092']);
    expect(config.api.port).toBe(9000);
  });

  it('names the variable when a number is not a number', () => {
    expect(() => loadConfig({ SIEM_API_PORT: 'eighty' })).toThrowError(/SIEM_API_PORT="eighty" is not an integer/);
  });

  it('names the variable when a value is out of range', () => {
    try {
      loadConfig({ SIEM_SYSLOG_PORT: '70000' });
      expect.unreachable('a port above 65535 must be refused');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).variable).toBe('SIEM_SYSLOG_PORT');
      expect((error as ConfigError).code).toBe('SIEM_CONFIG_INVALID');
    }
  });

  it('refuses a misspelt SIEM_ variable instead of ignoring it', () => {
    expect(() => loadConfig({ SIEM_API_PROT: '8080' })).toThrowError(/SIEM_API_PROT is not a SIEM setting/);
  });

  it('runs embedded by default and switches to Kafka and OpenSearch when they are named', () => {
    expect(loadConfig({}).deployment).toMatchObject({ bus: 'embedded', store: 'embedded', dataDir: './data', storeRetentionDays: 30 });
    expect(loadConfig({ SIEM_KAFKA_BROKERS: 'k:9092' }).deployment.bus).toBe('kafka');
    expect(loadConfig({ SIEM_OPENSEARCH_URL: 'http://o:9200' }).deployment.store).toBe('opensearch');
    expect(loadConfig({ SIEM_KAFKA_BROKERS: 'k:9092', SIEM_BUS: 'embedded' }).deployment.bus).toBe('embedded');
  });

  it('sizes the processor to the cores, leaving one to an OpenSearch on this host unless told otherwise', () => {
    const cores = availableParallelism();
    expect(loadConfig({ SIEM_OPENSEARCH_URL: 'http://search.internal:9200' }).processor.workers).toBe(cores);
    const local = loadConfig({ SIEM_OPENSEARCH_URL: 'http://127.0.0.1:9200' });
    expect(local.processor.workers).toBe(Math.max(1, cores - 1));
    expect(local.opensearch.bulkRequests * local.processor.workers).toBeGreaterThanOrEqual(cores);
    expect(local.processor.chunksInFlight).toBe(local.opensearch.bulkRequests + 1);
    expect(loadConfig({ SIEM_OPENSEARCH_URL: 'http://127.0.0.1:9200', SIEM_PROCESSOR_WORKERS: '3', SIEM_OPENSEARCH_BULK_REQUESTS: '2' })).toMatchObject({ processor: { workers: 3 }, opensearch: { bulkRequests: 2 } });
    expect(() => loadConfig({ SIEM_OPENSEARCH_URL: 'http://127.0.0.1:9200', SIEM_PROCESSOR_WORKERS: '0' })).toThrowError(/SIEM_PROCESSOR_WORKERS is invalid/);
  });

  it('names SIEM_BUS when it is neither embedded nor kafka', () => {
    expect(() => loadConfig({ SIEM_BUS: 'redis' })).toThrowError(/SIEM_BUS is invalid/);
  });

  it('leaves tooling variables to the tools', () => {
    expect(loadConfig({ SIEM_INFRA_HOME: '/tmp/x' }).api.port).toBe(8080);
  });

  it('returns a frozen object', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config.kafka)).toBe(true);
  });

  it('rejects a URL without a scheme', () => {
    expect(() => loadConfig({ SIEM_OPENSEARCH_URL: '127.0.0.1:9200' })).toThrowError(/SIEM_OPENSEARCH_URL is invalid/);
  });
});
