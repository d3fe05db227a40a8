import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '@siem/config';

// No Docker engine runs on the build machines, so the compose file is checked
// for what can go wrong without one: app names, settings and ports.
const here = path.dirname(fileURLToPath(import.meta.url));
const compose = parse(readFileSync(path.join(here, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, { environment?: Record<string, string>; ports?: string[]; image?: string; command?: string[]; init?: boolean }>;
};
const appServices = Object.entries(compose.services).filter(([, service]) => service.image === 'siem:local');

describe('docker-compose.yml', () => {
  it('runs the three apps, Kafka, OpenSearch and Dashboards', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['api', 'collector', 'dashboards', 'kafka', 'opensearch', 'processor']);
    expect(appServices.map(([name]) => name).sort()).toEqual(['api', 'collector', 'processor']);
  });

  it.each(appServices)('%s runs node on an existing app directly, behind an init, with settings the config accepts', (name, service) => {
    expect(service.command).toEqual(['node', '--import', 'tsx', `apps/${name}/src/main.ts`]);
    expect(existsSync(path.join(here, '..', 'apps', name, 'src', 'main.ts'))).toBe(true);
    expect(service.init).toBe(true);
    const config = loadConfig(service.environment ?? {});
    expect(config.kafka.brokers).toEqual(['kafka:9092']);
  });

  it('publishes the default ports of the collector and the API', () => {
    const defaults = loadConfig({});
    expect(compose.services.collector!.ports).toEqual([`${defaults.collector.syslogPort}:5514/udp`, `${defaults.collector.syslogPort}:5514/tcp`, `${defaults.collector.httpPort}:8088`]);
    expect(compose.services.api!.ports).toEqual([`${defaults.api.port}:8080`]);
  });

  it('runs siem start by default, with node as the command itself (no shell to swallow SIGTERM)', () => {
    const dockerfile = readFileSync(path.join(here, 'Dockerfile'), 'utf8');
    const cmd = /^CMD (\[.*\])$/m.exec(dockerfile);
    expect(JSON.parse(cmd![1]!)).toEqual(['node', '--import', 'tsx', 'tools/cli/src/main.ts', 'start']);
  });

  it('copies only folders that exist into the image', () => {
    const dockerfile = readFileSync(path.join(here, 'Dockerfile'), 'utf8');
    const sources = [...dockerfile.matchAll(/^COPY (.+) \S+$/gm)].flatMap((m) => m[1]!.split(' '));
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) expect(existsSync(path.join(here, '..', source)), source).toBe(true);
  });
});
