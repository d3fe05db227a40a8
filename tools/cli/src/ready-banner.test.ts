import { describe, expect, it } from 'vitest';
import { loadConfig } from '@siem/config';
import { readyBanner } from './ready-banner';

describe('readyBanner', () => {
  it('prints runnable logger and curl commands for the configured ports', () => {
    const banner = readyBanner(loadConfig({ SIEM_SYSLOG_PORT: '1514', SIEM_API_PORT: '9999' }));
    expect(banner).toContain('logger -n 127.0.0.1 -P 1514 -d --rfc5424');
    expect(banner).toContain('http://127.0.0.1:9999/api/v1/search');
    expect(banner).toContain('http://127.0.0.1:8088/ingest');
    expect(banner).toContain('Bus: embedded, store: embedded (data in ./data).');
  });
});
