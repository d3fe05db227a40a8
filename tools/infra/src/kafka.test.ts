import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { newClusterId, prepareKafka, renderKafkaLog4j, renderServerProperties } from './kafka';
import { resolveLayout } from './layout';

function parseProperties(text: string): Map<string, string> {
  const entries = text
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => {
      const at = line.indexOf('=');
      return [line.slice(0, at), line.slice(at + 1)] as const;
    });
  return new Map(entries);
}

describe('renderServerProperties', () => {
  const properties = parseProperties(
    renderServerProperties({ host: '127.0.0.1', port: 19092, controllerPort: 19093, dataDir: '/cache/state/kafka/data' }),
  );

  it('server.properties – runs one KRaft node as broker and controller on loopback', () => {
    expect(properties.get('process.roles')).toBe('broker,controller');
    expect(properties.get('node.id')).toBe('1');
    expect(properties.get('controller.quorum.voters')).toBe('1@127.0.0.1:19093');
    expect(properties.get('listeners')).toBe('PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093');
    expect(properties.get('advertised.listeners')).toBe('PLAINTEXT://127.0.0.1:19092');
    expect(properties.get('controller.listener.names')).toBe('CONTROLLER');
    expect(properties.get('listener.security.protocol.map')).toBe('CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT');
  });

  it('server.properties – sizes internal topics for a single node and disables topic auto-creation', () => {
    expect(properties.get('offsets.topic.replication.factor')).toBe('1');
    expect(properties.get('transaction.state.log.replication.factor')).toBe('1');
    expect(properties.get('transaction.state.log.min.isr')).toBe('1');
    expect(properties.get('group.initial.rebalance.delay.ms')).toBe('0');
    expect(properties.get('auto.create.topics.enable')).toBe('false');
    expect(properties.get('num.partitions')).toBe('2');
  });

  it('server.properties – keeps the log inside the state directory', () => {
    expect(properties.get('log.dirs')).toBe('/cache/state/kafka/data');
  });

  it('server.properties – declares every key once', () => {
    const keys = renderServerProperties({ host: 'h', port: 1, controllerPort: 2, dataDir: 'd' })
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => line.split('=')[0]);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('renderKafkaLog4j', () => {
  it('log4j – sends everything to stdout, which the service log captures', () => {
    const text = renderKafkaLog4j();
    expect(text).toContain('log4j.rootLogger=INFO, stdout');
    expect(text).toContain('log4j.appender.stdout=org.apache.log4j.ConsoleAppender');
  });
});

describe('newClusterId', () => {
  it('cluster id – is 22 characters of unpadded base64url', () => {
    for (let i = 0; i < 100; i += 1) expect(newClusterId()).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('cluster id – never starts with a dash, which the storage tool would read as an option', () => {
    const draws = [Buffer.alloc(16, 0xfb), Buffer.alloc(16, 0x10)];
    const id = newClusterId(() => draws.shift() ?? Buffer.alloc(16, 0x20));
    expect(Buffer.alloc(16, 0xfb).toString('base64url').startsWith('-')).toBe(true);
    expect(id).toBe(Buffer.alloc(16, 0x10).toString('base64url'));
  });
});

describe('prepareKafka', () => {
  it('storage – is not formatted again when meta.properties exists, so the cluster id survives restarts', async () => {
    const home = await mkdtemp(join(tmpdir(), 'siem-infra-'));
    try {
      const layout = resolveLayout({ home }, {});
      await mkdir(layout.kafka.dataDir, { recursive: true });
      const meta = 'node.id=1\ncluster.id=wTxhL5zu3X24WNKI0u9Epw\nversion=1\n';
      await writeFile(join(layout.kafka.dataDir, 'meta.properties'), meta);
      // A java that cannot run proves that the storage tool was never invoked.
      await prepareKafka(layout, join(home, 'no-such-java'), join(home, 'lib'));
      expect(await readFile(join(layout.kafka.dataDir, 'meta.properties'), 'utf8')).toBe(meta);
      expect(await readFile(layout.kafka.configFile, 'utf8')).toContain('process.roles=broker,controller');
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});
