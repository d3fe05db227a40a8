import { describe, expect, it } from 'vitest';
import { loadConfig } from '@siem/config';
import { appStatusLine, readyBanner } from './ready-banner';

describe('readyBanner', () => {
  it('prints runnable logger and curl commands for the configured ports', () => {
    const banner = readyBanner(loadConfig({ SIEM_SYSLOG_PORT: '1514', SIEM_API_PORT: '9999' }));
    expect(banner).toContain('logger -n 127.0.0.1 -P 1514 -d --rfc5424');
    expect(banner).toContain('http://127.0.0.1:9999/api/v1/search');
    expect(banner).toContain('http://127.0.0.1:8088/ingest');
    expect(banner).toContain('Bus: embedded, store: embedded (data in ./data).');
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
