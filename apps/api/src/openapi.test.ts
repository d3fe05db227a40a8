import { describe, expect, it } from 'vitest';
import { MetricsRegistry, createLogger } from '@siem/telemetry';
import { testKeys } from '@siem/testing';
import { buildApi } from './build-api';
import type { EventReader } from './event-reader';

const unused = () => Promise.reject(new Error('unused'));
const reader: EventReader = { search: unused, count: unused, page: unused, exportPage: unused, getEvent: unused, aggregate: unused, fields: unused, ping: unused };

describe('the OpenAPI document', () => {
  it('lists every search, event and aggregation operation with the schemas the routes validate', async () => {
    const keys = await testKeys();
    const app = buildApi({ reader, logger: createLogger('api-test', 'silent'), metrics: new MetricsRegistry(), keys: keys.keys });
    const response = await app.inject({ url: '/api/docs/json' });
    expect(response.statusCode).toBe(200);
    const document = response.json();
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/api/v1/search', '/api/v1/count', '/api/v1/events/{id}', '/api/v1/aggregate', '/api/v1/export', '/api/v1/fields']));
    expect(Object.keys(document.paths['/api/v1/search'])).toEqual(expect.arrayContaining(['get', 'post']));
    const body = document.paths['/api/v1/aggregate'].post.requestBody.content['application/json'].schema;
    expect(body.required).toContain('aggs');
    expect((await app.inject({ url: '/api/docs' })).statusCode).toBeLessThan(400);
    await app.close();
    await keys.close();
  });
});
