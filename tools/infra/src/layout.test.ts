import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InfraError } from './errors';
import { kafkaBrokers, opensearchUrl, resolveLayout } from './layout';

describe('resolveLayout', () => {
  it('layout – defaults to ~/.cache/siem-infra and the unusual ports 19092 and 19200', () => {
    const layout = resolveLayout({}, {});
    expect(layout.home).toBe(join(homedir(), '.cache', 'siem-infra'));
    expect(kafkaBrokers(layout)).toBe('127.0.0.1:19092');
    expect(layout.kafka.controllerPort).toBe(19093);
    expect(opensearchUrl(layout)).toBe('http://127.0.0.1:19200');
    expect(layout.opensearch.transportPort).toBe(19300);
  });

  it('layout – keeps state, logs and pid files under the home', () => {
    const layout = resolveLayout({}, { SIEM_INFRA_HOME: '/tmp/infra-home' });
    expect(layout.kafka.dataDir).toBe('/tmp/infra-home/state/kafka/data');
    expect(layout.opensearch.configDir).toBe('/tmp/infra-home/state/opensearch/node_1/config');
    expect(layout.kafka.logFile).toBe('/tmp/infra-home/logs/kafka.log');
    expect(layout.opensearch.pidFile).toBe('/tmp/infra-home/run/opensearch.pid');
  });

  it('layout – takes ports from the environment', () => {
    const layout = resolveLayout({}, { SIEM_INFRA_KAFKA_PORT: '29092', SIEM_INFRA_OPENSEARCH_PORT: ' 29200 ' });
    expect(layout.kafka.port).toBe(29092);
    expect(layout.kafka.controllerPort).toBe(29093);
    expect(layout.opensearch.port).toBe(29200);
  });

  it('layout – lets options win over the environment', () => {
    const layout = resolveLayout({ home: '/a', kafkaPort: 1000 }, { SIEM_INFRA_HOME: '/b', SIEM_INFRA_KAFKA_PORT: '2000' });
    expect(layout.home).toBe('/a');
    expect(layout.kafka.port).toBe(1000);
  });

  it('layout – rejects a port that is not an integer in range, naming the variable', () => {
    for (const bad of ['abc', '0', '70000', '19092.5', '-1']) {
      const attempt = (): unknown => resolveLayout({}, { SIEM_INFRA_KAFKA_PORT: bad });
      expect(attempt).toThrow(InfraError);
      expect(attempt).toThrow(/SIEM_INFRA_KAFKA_PORT/);
    }
  });

  it('layout – rejects a port whose derived controller port would overflow', () => {
    expect(() => resolveLayout({ kafkaPort: 65535 }, {})).toThrow(/controller port/);
  });
});
