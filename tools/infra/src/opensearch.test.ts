import { describe, expect, it } from 'vitest';
import { resolveLayout } from './layout';
import { opensearchCommandArgs, renderOpenSearchLog4j2, renderOpenSearchYml } from './opensearch';

describe('renderOpenSearchYml', () => {
  const yml = renderOpenSearchYml({ host: '127.0.0.1', httpPort: 19200, transportPort: 19300 });

  it('opensearch.yml – runs a single-node cluster bound to loopback', () => {
    expect(yml).toContain('discovery.type: "single-node"\n');
    expect(yml).toContain('network.host: "127.0.0.1"\n');
    expect(yml).toContain('http.port: 19200\n');
    expect(yml).toContain('transport.port: 19300\n');
  });

  it('opensearch.yml – turns off the disk watermark so a full developer disk does not block writes', () => {
    expect(yml).toContain('cluster.routing.allocation.disk.threshold_enabled: false\n');
  });

  it('opensearch.yml – is one flat key per line', () => {
    const lines = yml.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
    for (const line of lines) expect(line).toMatch(/^[a-z_.]+: \S+$/);
  });
});

describe('renderOpenSearchLog4j2', () => {
  it('log4j2 – logs to the console only', () => {
    const text = renderOpenSearchLog4j2();
    expect(text).toContain('rootLogger.appenderRef.console.ref = console');
    expect(text).not.toContain('RollingFile');
  });
});

describe('opensearchCommandArgs', () => {
  const layout = resolveLayout({ home: '/cache', opensearchPort: 19200 }, {});

  it('command – asks the runner for HTTP port base + 1 = the configured port', () => {
    const args = opensearchCommandArgs(layout, '/lib', '/launcher', 17);
    expect(args[args.indexOf('-baseHttpPort') + 1]).toBe('19199');
    expect(args[args.indexOf('-numOfNode') + 1]).toBe('1');
    expect(args[args.indexOf('-basePath') + 1]).toBe('/cache/state/opensearch');
  });

  it('command – starts our launcher with the runner jars and the launcher on the classpath', () => {
    const args = opensearchCommandArgs(layout, '/lib', '/launcher', 17);
    expect(args[args.indexOf('-cp') + 1]).toBe('/lib/*:/launcher');
    expect(args[args.indexOf('-cp') + 2]).toBe('SiemOpenSearch');
    expect(args).toContain('-Xmx1g');
    expect(args[0]).toBe('-Dsiem.infra.service=opensearch');
  });

  it('command – uses the COMPAT locale data only on JDKs that still ship it unchanged', () => {
    expect(opensearchCommandArgs(layout, '/lib', '/l', 17)).toContain('-Djava.locale.providers=SPI,COMPAT');
    expect(opensearchCommandArgs(layout, '/lib', '/l', 21)).toContain('-Djava.locale.providers=SPI,CLDR');
  });
});
