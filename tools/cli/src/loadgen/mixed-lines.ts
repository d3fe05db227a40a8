/**
 * Realistic log lines for the load generator, generated from a seeded PRNG so
 * a run is repeatable: syslog (RFC 5424 and RFC 3164 sshd/sudo lines), CEF
 * (ArcSight CEF 0 with a syslog header, as firewalls send it), JSON
 * application logs and Windows Security events as NXLog im_msvistalog sends
 * them with to_json(). Hosts, users and addresses come from small pools so
 * aggregations and sampling by key see repeated values, as real sites do.
 */

export const LINE_KINDS = ['syslog', 'cef', 'json', 'windows'] as const;
export type LineKind = (typeof LINE_KINDS)[number];

export interface GeneratedLine {
  readonly kind: LineKind;
  readonly host: string;
  readonly text: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'admin', 'root', 'oracle', 'svc_backup'];
const SERVICES = ['checkout', 'inventory', 'auth', 'search', 'billing'];
const PATHS = ['/api/v1/orders', '/api/v1/cart', '/login', '/api/v1/items/42', '/healthz', '/static/app.js'];

/** mulberry32: small, fast and good enough to vary test traffic. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface LineGeneratorOptions {
  readonly mix: readonly LineKind[];
  readonly seed?: number;
  /** Distinct sending hosts; default 20. */
  readonly hosts?: number;
  readonly now?: () => Date;
}

/** Returns a function that yields the next line, cycling through `mix` in random order. */
export function lineGenerator(options: LineGeneratorOptions): () => GeneratedLine {
  if (options.mix.length === 0) throw new Error('the mix is empty: name at least one of syslog, cef, json, windows.');
  const random = prng(options.seed ?? 1);
  const now = options.now ?? (() => new Date());
  const hostCount = options.hosts ?? 20;
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
  const int = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
  const privateIp = () => `10.${int(0, 3)}.${int(0, 255)}.${int(1, 254)}`;
  // Documentation ranges (RFC 5737) for the outside world.
  const publicIp = () => `${pick(['192.0.2', '198.51.100', '203.0.113'])}.${int(1, 254)}`;
  const host = (prefix: string) => `${prefix}-${String(int(1, hostCount)).padStart(2, '0')}`;

  const syslog = (): GeneratedLine => {
    const time = now();
    if (random() < 0.5) {
      const name = host('web');
      const user = pick(USERS);
      const text = `<165>1 ${time.toISOString()} ${name}.example.net ${pick(SERVICES)} ${int(1000, 65000)} ID${int(10, 99)} [exampleSDID@32473 iut="3" eventSource="Application"] request for ${pick(PATHS)} by ${user} took ${int(1, 900)} ms`;
      return { kind: 'syslog', host: `${name}.example.net`, text };
    }
    const name = host('srv');
    const stamp = `${MONTHS[time.getUTCMonth()]} ${String(time.getUTCDate()).padStart(2, ' ')} ${time.toISOString().slice(11, 19)}`;
    const pid = int(1000, 65000);
    const message =
      random() < 0.6
        ? `sshd[${pid}]: Failed password for ${random() < 0.3 ? 'invalid user ' : ''}${pick(USERS)} from ${publicIp()} port ${int(1024, 65535)} ssh2`
        : random() < 0.5
          ? `sshd[${pid}]: Accepted publickey for ${pick(USERS)} from ${privateIp()} port ${int(1024, 65535)} ssh2`
          : `sudo[${pid}]: ${pick(USERS)} : TTY=pts/${int(0, 9)} ; PWD=/home ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx`;
    return { kind: 'syslog', host: name, text: `<38>${stamp} ${name} ${message}` };
  };

  const cef = (): GeneratedLine => {
    const time = now();
    const name = host('fw');
    const stamp = `${MONTHS[time.getUTCMonth()]} ${String(time.getUTCDate()).padStart(2, ' ')} ${time.toISOString().slice(11, 19)}`;
    const allowed = random() < 0.7;
    const extension = `rt=${time.getTime()} src=${privateIp()} spt=${int(1024, 65535)} dst=${publicIp()} dpt=${pick([53, 80, 443, 22, 3389])} proto=${pick(['TCP', 'UDP'])} act=${allowed ? 'allow' : 'deny'} suser=${pick(USERS)} in=${int(40, 9000)} out=${int(40, 90000)}`;
    const text = `<134>${stamp} ${name} CEF:0|Example|Edge Firewall|7.2.1|${allowed ? 100 : 200}|${allowed ? 'Traffic allowed' : 'Traffic denied'}|${allowed ? 3 : 6}|${extension}`;
    return { kind: 'cef', host: name, text };
  };

  const json = (): GeneratedLine => {
    const name = host('app');
    const status = pick([200, 200, 200, 201, 204, 301, 404, 500]);
    const record = {
      '@timestamp': now().toISOString(),
      'log.level': status >= 500 ? 'error' : 'info',
      message: `${pick(['GET', 'POST'])} ${pick(PATHS)} ${status}`,
      service: { name: pick(SERVICES) },
      host: { name },
      user: { name: pick(USERS) },
      source: { ip: privateIp() },
      http: { response: { status_code: status } },
      event: { duration: int(1, 900) * 1_000_000 },
    };
    return { kind: 'json', host: name, text: JSON.stringify(record) };
  };

  const windows = (): GeneratedLine => {
    const name = `WS-${String(int(1, hostCount)).padStart(3, '0')}.corp.example.com`;
    const success = random() < 0.6;
    const record = {
      EventTime: now().toISOString().replace('T', ' ').slice(0, 19),
      Hostname: name,
      Keywords: success ? '0x8020000000000000' : '0x8010000000000000',
      EventType: success ? 'AUDIT_SUCCESS' : 'AUDIT_FAILURE',
      SeverityValue: 2,
      Severity: 'INFO',
      EventID: success ? 4624 : 4625,
      SourceName: 'Microsoft-Windows-Security-Auditing',
      ProviderGuid: '{54849625-5478-4994-A5BA-3E3B0328C30D}',
      Version: 0,
      Task: 12544,
      OpcodeValue: 0,
      RecordNumber: int(100_000, 9_999_999),
      ProcessID: 636,
      ThreadID: int(100, 9000),
      Channel: 'Security',
      Category: 'Logon',
      Opcode: 'Info',
      TargetUserName: pick(USERS),
      TargetDomainName: 'CORP',
      LogonType: String(pick([2, 3, 10])),
      IpAddress: privateIp(),
      IpPort: String(int(1024, 65535)),
      WorkstationName: name.split('.')[0],
      ...(success ? {} : { Status: '0xc000006d', SubStatus: '0xc000006a', FailureReason: '%%2313' }),
    };
    return { kind: 'windows', host: name, text: JSON.stringify(record) };
  };

  const makers: Record<LineKind, () => GeneratedLine> = { syslog, cef, json, windows };
  const mix = options.mix.map((kind) => makers[kind]);
  return () => pick(mix)();
}

/** Reads `--mix syslog,cef` into line kinds; an unknown name is an error that lists the known ones. */
export function parseMix(text: string): LineKind[] {
  const kinds = text.split(',').map((kind) => kind.trim()).filter((kind) => kind.length > 0);
  for (const kind of kinds) {
    if (!(LINE_KINDS as readonly string[]).includes(kind)) throw new Error(`--mix: unknown line kind "${kind}"; use a comma-separated list of ${LINE_KINDS.join(', ')}.`);
  }
  if (kinds.length === 0) throw new Error(`--mix is empty; use a comma-separated list of ${LINE_KINDS.join(', ')}.`);
  return kinds as LineKind[];
}
