import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followAlerts, runAlerts } from './alerts-command';
import { runRulesImport, runRulesList, runRulesTest, runRulesToggle, sigmaFiles } from './rules-command';

/** Records what the commands send and answers as the API would; the routes themselves are tested in apps/api. */
const requests: { method: string; url: string; body: any }[] = [];
let alertPages: object[][] = [];
const server = http.createServer((request, response) => {
  let text = '';
  request.on('data', (chunk) => (text += chunk));
  request.on('end', () => {
    const body = text === '' ? undefined : JSON.parse(text);
    requests.push({ method: request.method!, url: request.url!, body });
    const send = (status: number, answer: unknown) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    const url = new URL(request.url!, 'http://x');
    if (url.pathname === '/api/v1/rules/import') {
      const files = body.files.map((file: { name: string; content: string }) =>
        file.content.includes('bad')
          ? { file: file.name, status: 'refused', code: 'SIEM_RULE_BAD_CONDITION', reason: 'condition: unknown identifier', pointer: '/detection/condition' }
          : { file: file.name, status: 'imported', rules: [{ id: 'r1', title: 'Good rule', outcome: 'created' }] },
      );
      return send(200, { imported: files.filter((f: { status: string }) => f.status === 'imported').length, refused: files.filter((f: { status: string }) => f.status === 'refused').length, files });
    }
    if (url.pathname === '/api/v1/rules/test') return send(200, { scanned: 3, truncated: false, total: 1, events: [{ id: 'e1', event: { '@timestamp': 't', host: { name: 'h' }, message: 'm' } }], tookMs: 2 });
    if (url.pathname === '/api/v1/rules') return send(200, { total: 1, rules: [{ id: 'r1', title: 'Good rule', level: 'high', enabled: true, version: 2, logsource: { product: 'windows', category: 'process_creation' } }] });
    if (url.pathname === '/api/v1/alerts') return send(200, { total: 9, alerts: alertPages.shift() ?? [] });
    return send(404, { error: { code: 'SIEM_API_RULE_NOT_FOUND', message: 'No rule has the id x.' } });
  });
});
let apiUrl = '';
const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'siem-cli-rules-'));
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.close();
  fs.rmSync(directory, { recursive: true, force: true });
});

describe('siem rules', () => {
  it('import sends every YAML file of a tree and prints a line per file, imported or refused with the reason', async () => {
    fs.mkdirSync(path.join(directory, 'tree', 'windows'), { recursive: true });
    fs.writeFileSync(path.join(directory, 'tree', 'windows', 'good.yml'), 'title: good');
    fs.writeFileSync(path.join(directory, 'tree', 'broken.yaml'), 'title: bad');
    fs.writeFileSync(path.join(directory, 'tree', 'README.md'), 'not a rule');
    expect((await sigmaFiles([path.join(directory, 'tree')])).map((file) => path.basename(file))).toEqual(['broken.yaml', 'good.yml']);
    const result = await runRulesImport({ apiUrl, targets: [path.join(directory, 'tree')], batchFiles: 1 });
    expect(result).toMatchObject({ imported: 1, refused: 1 });
    expect(result.output).toContain('good.yml: Good rule (created)');
    expect(result.output).toMatch(/refused {3}.*broken\.yaml: SIEM_RULE_BAD_CONDITION: condition: unknown identifier \(at \/detection\/condition\)/);
    expect(requests.filter((r) => r.url === '/api/v1/rules/import')).toHaveLength(2);
  });

  it('list passes the filters and prints a table', async () => {
    const output = await runRulesList({ apiUrl, filter: { level: 'high', enabled: 'true', tag: undefined }, json: false });
    expect(requests.at(-1)!.url).toBe('/api/v1/rules?level=high&enabled=true');
    expect(output).toMatch(/r1 +on +high +windows\/process_creation +v2 +Good rule/);
  });

  it('test sends a JSON rule file, or a saved rule id, and says nothing was written', async () => {
    const file = path.join(directory, 'rule.json');
    fs.writeFileSync(file, JSON.stringify({ id: 'x', title: 'T' }));
    const output = await runRulesTest({ apiUrl, rule: file, from: '2026-01-01T00:00:00Z', json: false });
    expect(requests.at(-1)!.body).toEqual({ rule: { id: 'x', title: 'T' }, from: '2026-01-01T00:00:00Z' });
    expect(output).toContain('1 of 3 events match, in 2 ms; nothing was written');
    await runRulesTest({ apiUrl, rule: 'saved-rule-id', json: true });
    expect(requests.at(-1)!.body).toEqual({ ruleId: 'saved-rule-id' });
  });

  it('reports the API error code and message', async () => {
    await expect(runRulesToggle(apiUrl, 'x', true)).rejects.toThrow(/SIEM_API_RULE_NOT_FOUND: No rule has the id x\./);
  });
});

describe('siem alerts', () => {
  const alert = (id: string) => ({ id, alert: { '@timestamp': 't', rule: { id: 'r', title: `Rule ${id}`, level: 'high' }, alert: { status: 'open', detected_at: `d-${id}` }, host: { name: 'ws-1' } } });

  it('prints the newest alerts with the query and filters', async () => {
    alertPages = [[alert('b'), alert('a')]];
    const output = await runAlerts({ apiUrl, query: 'host.name:ws-1', filter: { level: 'high' }, size: 5, json: false });
    expect(requests.at(-1)!.url).toBe('/api/v1/alerts?q=host.name%3Aws-1&size=5&level=high');
    expect(output).toMatch(/d-b +high +open +ws-1 +Rule b/);
    expect(output).toContain('2 of 9 alerts');
  });

  it('--follow prints each alert once, oldest first, as new ones appear', async () => {
    alertPages = [[alert('b'), alert('a')], [alert('c'), alert('b'), alert('a')], [alert('c'), alert('b')]];
    const lines: string[] = [];
    const stop = new AbortController();
    await followAlerts({
      apiUrl,
      query: '',
      filter: {},
      size: 50,
      json: true,
      intervalMs: 10,
      signal: stop.signal,
      write: (text) => {
        lines.push(JSON.parse(text).id);
        if (lines.length === 3) setTimeout(() => stop.abort(), 50);
      },
    });
    expect(lines).toEqual(['a', 'b', 'c']);
  });
});
