import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '@siem/config';
import { adminKeyNote, appStatusLine, readyBanner } from './ready-banner';

describe('readyBanner', () => {
  it('prints runnable logger and curl commands for the configured ports', () => {
    const banner = readyBanner(loadConfig({ SIEM_SYSLOG_PORT: '1514', SIEM_API_PORT: '9999' }));
    expect(banner).toContain('logger -n 127.0.0.1 -P 1514 -d --rfc5424');
    expect(banner).toContain('http://127.0.0.1:9999/api/v1/search');
    expect(banner).toContain('http://127.0.0.1:8088/ingest');
    expect(banner).toContain('Bus: embedded, store: embedded (data in ./data).');
  });

  it('prints a new admin key once, and a curl line that reads the key file', () => {
    const config = loadConfig({});
    const banner = readyBanner(config, { file: 'data/admin.key', newKey: 'siem_0123456789abcdef_x' });
    expect(banner).toMatch(/shown this once; also in data\/admin\.key.*\n {4}siem_0123456789abcdef_x\n/);
    expect(banner).toContain(`curl -sS -H "Authorization: ApiKey $(cat data/admin.key)" -G http://127.0.0.1:8080/api/v1/search`);
    expect(banner).toContain('npx siem keys create --name alice --role analyst');
    const again = readyBanner(config, { file: 'data/admin.key' });
    expect(again).not.toContain('siem_0123456789abcdef_x');
    expect(again).toContain('$(cat data/admin.key)');
  });

  it('uses $SIEM_API_KEY when it is set or when there is no key file, and says so', () => {
    expect(readyBanner(loadConfig({ SIEM_API_KEY: 'k' }), { file: 'data/admin.key' })).toContain('"Authorization: ApiKey $SIEM_API_KEY"');
    const none = readyBanner(loadConfig({ SIEM_DATA_DIR: '/srv/siem data' }));
    expect(none).toContain('"Authorization: ApiKey $SIEM_API_KEY"');
    expect(none).toContain('set SIEM_API_KEY to one (this host has no /srv/siem data/admin.key)');
    expect(readyBanner(loadConfig({ SIEM_DATA_DIR: '/srv/siem data' }), { file: '/srv/siem data/admin.key' })).toContain(`$(cat '/srv/siem data/admin.key')`);
  });
});

describe('adminKeyNote', () => {
  it('shows the key of a file written since the start, and only the path of an older one', () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'siem-banner-'));
    try {
      const config = loadConfig({ SIEM_DATA_DIR: dataDir });
      expect(adminKeyNote(config, Date.now())).toEqual({});
      const file = path.join(dataDir, 'admin.key');
      writeFileSync(file, 'siem_0123456789abcdef_x\n');
      expect(adminKeyNote(config, Date.now() - 60_000)).toEqual({ file, newKey: 'siem_0123456789abcdef_x' });
      utimesSync(file, new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000));
      expect(adminKeyNote(config, Date.now() - 60_000)).toEqual({ file });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('appStatusLine', () => {
  it('names the app that is down and counts restarts', () => {
    const line = appStatusLine([
      { app: 'collector', state: 'up', restarts: 0 },
      { app: 'processor', state: 'starting', restarts: 2 },
      { app: 'api', state: 'down', restarts: 1 },
    ]);
    expect(line).toBe('SIEM apps: collector up, processor starting (2 restarts so far), api DOWN (restarting; 1 restart so far).\n');
  });

  it('counts the restarts of an app that is back', () => {
    expect(appStatusLine([{ app: 'api', state: 'up', restarts: 3 }])).toBe('SIEM apps: api up (3 restarts so far).\n');
  });
});
