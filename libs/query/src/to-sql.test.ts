import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseQuery } from './parse-query';
import { analyzeText, keywordToken } from './analyze';
import { registerSqlFunctions, toSqlWhere, type SqlCompileOptions } from './to-sql';

const OPTIONS: SqlCompileOptions = { documentColumn: 'doc', fullTextTable: 'events_fts' };
const TERM_FIELDS = ['host.name', 'tags', 'user.name'];
const WITH_TERMS: SqlCompileOptions = { ...OPTIONS, termFields: new Set(TERM_FIELDS) };

const DOCUMENTS: Record<string, Record<string, unknown>> = {
  a: { message: 'Failed password for root from 192.168.1.10 port 22', host: { name: 'web-1' }, user: { name: 'root' }, source: { port: 22 } },
  b: { message: 'Accepted password for alice from 10.0.0.5', host: { name: 'Web-1' }, user: { name: 'alice' }, tags: ['ssh', 'prod'], ok: true },
  c: { message: 'password failed twice for bob', host: { name: 'db-2' }, user: { name: null }, tags: [], source: { port: '22' } },
  d: { message: "'; DROP TABLE events; -- and NEAR(x) \"quoted\" ^start *star", host: { name: "'; DROP TABLE events; --" }, user: {} },
  e: { message: 'unicode', host: { name: 'Wéb ~1 "x" 日本' }, tags: [['nested'], { in: 'object' }, 7, false] },
};

let db: Database.Database;

function scalars(value: unknown): string[] {
  const values = Array.isArray(value) ? value : [value];
  return values.flatMap((element) => (typeof element === 'string' ? [element] : typeof element === 'number' || typeof element === 'boolean' ? [String(element)] : []));
}

/** A miniature of the embedded store's schema: the JSON document, and an FTS table of the analysed message and the keyword tokens. */
beforeEach(() => {
  db = new Database(':memory:');
  registerSqlFunctions(db);
  db.exec(`
    CREATE TABLE events (time_key INTEGER PRIMARY KEY, id TEXT NOT NULL, doc TEXT NOT NULL);
    CREATE VIRTUAL TABLE events_fts USING fts5(message, terms, content='', contentless_delete=1, tokenize="unicode61 remove_diacritics 0 categories 'L* N* Co M* P* S*'");
  `);
  const insert = db.prepare('INSERT INTO events (time_key, id, doc) VALUES (?, ?, ?)');
  const insertText = db.prepare('INSERT INTO events_fts (rowid, message, terms) VALUES (?, ?, ?)');
  Object.entries(DOCUMENTS).forEach(([id, doc], key) => {
    insert.run(key, id, JSON.stringify(doc));
    const terms = TERM_FIELDS.flatMap((field) => scalars(field.split('.').reduce<unknown>((value, name) => (value as Record<string, unknown> | undefined)?.[name], doc)).map((value) => keywordToken(field, value)));
    insertText.run(key, analyzeText(String(doc.message)).join(' '), terms.join(' '));
  });
});

afterEach(() => db.close());

function ids(query: string, options: SqlCompileOptions = OPTIONS): string[] {
  const compiled = toSqlWhere(parseQuery(query), options);
  const rows = db.prepare(`SELECT id FROM events WHERE ${compiled.where} ORDER BY id`).all(...compiled.params) as { id: string }[];
  return rows.map((row) => row.id);
}

describe('analyzeText', () => {
  it('lowercases and splits like the standard analyzer, keeping addresses, host names and contractions whole', () => {
    expect(analyzeText("Failed for user_1 from 192.168.1.10: web-1 example.com. don't 1,000 x.1")).toEqual([
      'failed', 'for', 'user_1', 'from', '192.168.1.10', 'web', '1', 'example.com', "don't", '1,000', 'x', '1',
    ]);
  });

  it('gives each Han character a token and keeps accents', () => {
    expect(analyzeText('Café 日本 ok')).toEqual(['café', '日', '本', 'ok']);
  });

  it('tokenises ASCII and non-ASCII text alike', () => {
    const ascii = "a'b 1'2 a;b 1:2 __ _a a.b.c. end.";
    expect(analyzeText(`${ascii} é`)).toEqual([...analyzeText(ascii), 'é']);
  });

  it('splits tokens longer than 255 characters', () => {
    expect(analyzeText('x'.repeat(300)).map((token) => token.length)).toEqual([255, 45]);
  });
});

describe('toSqlWhere', () => {
  it('matches free text on every token of message, whatever the case', () => {
    expect(ids('PASSWORD failed')).toEqual(['a', 'c']);
    expect(ids('message:failed message:root')).toEqual(['a']);
  });

  it('matches a phrase only when its tokens are adjacent and in order', () => {
    expect(ids('"failed password"')).toEqual(['a']);
    expect(ids('"password failed"')).toEqual(['c']);
    expect(ids('"from 192.168.1.10"')).toEqual(['a']);
  });

  it('matches an address as one token, not its parts', () => {
    expect(ids('192.168.1.10')).toEqual(['a']);
    expect(ids('192.168')).toEqual([]);
  });

  it('compares other fields exactly and case-sensitively', () => {
    expect(ids('host.name:web-1')).toEqual(['a']);
    expect(ids('host.name:Web-1')).toEqual(['b']);
    expect(ids('host.name:web')).toEqual([]);
  });

  it('gives the same answers from the keyword tokens as from the JSON', () => {
    const queries = [
      'host.name:web-1', 'host.name:Web-1', 'host.name:web*', 'host.name:W*', 'host.name:*-1', 'host.name:?eb-1', 'host.name:w?b-*', 'host.name:*',
      '-host.name:web-1', '-host.name:w*', '-host.name:*', '-host.name:w?b-1', `host.name:"'; DROP TABLE events; --"`, 'host.name:"Wéb ~1 \\"x\\" 日本"',
      'host.name:Wéb*', 'tags:prod', 'tags:7', 'tags:false', 'tags:nested', 'tags:object', 'tags:*', 'user.name:*', 'user.name:root -tags:ssh',
    ];
    for (const query of queries) expect(ids(query, WITH_TERMS), query).toEqual(ids(query));
    expect(toSqlWhere(parseQuery('host.name:web-1'), WITH_TERMS).where).toBe('rowid IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ?)');
  });

  it('writes keyword tokens that keep case and never split', () => {
    expect(keywordToken('host.name', 'web-1')).toBe('host.name=web-1');
    expect(keywordToken('host.Name', 'Wéb ~1')).toBe('host.~name=~w~#e9;b~#20;~~1');
    expect(analyzeText(keywordToken('a', 'x'))).toEqual(['a', 'x']);
  });

  it('matches a number by value and an array by any element, never an object by its members', () => {
    expect(ids('source.port:22')).toEqual(['a', 'c']);
    expect(ids('source.port:22.0')).toEqual(['a', 'c']);
    expect(ids('tags:prod')).toEqual(['b']);
    expect(ids('ok:true')).toEqual(['b']);
    expect(ids('user:root')).toEqual([]);
  });

  it('treats * and ? as wildcards and [ as a plain character', () => {
    expect(ids('host.name:?eb-?')).toEqual(['a', 'b']);
    expect(ids('host.name:w*')).toEqual(['a']);
    expect(ids('user.name:\\[a]*')).toEqual([]);
    expect(ids('host.name:"w*"')).toEqual([]);
  });

  it('reads field:* as "has a value", which null, [] and {} are not', () => {
    expect(ids('user.name:*')).toEqual(['a', 'b']);
    expect(ids('tags:*')).toEqual(['b', 'e']);
    expect(ids('user:*')).toEqual(['a', 'b']);
  });

  it('negates, keeping documents that lack the field', () => {
    expect(ids('-user.name:root')).toEqual(['b', 'c', 'd', 'e']);
    expect(ids('-failed')).toEqual(['b', 'd', 'e']);
    expect(ids('password -failed')).toEqual(['b']);
    expect(ids('password -"failed password"')).toEqual(['b', 'c']);
  });

  it('matches nothing for text without a token, and everything for its negation, like OpenSearch', () => {
    expect(ids('message:--')).toEqual([]);
    expect(ids('password -message:--')).toEqual(['a', 'b', 'c']);
    expect(ids('message:*')).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(ids('')).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('binds hostile values as parameters and never puts them in the SQL', () => {
    const hostile = `"'; DROP TABLE events; --"`;
    const compiled = toSqlWhere(parseQuery(`host.name:${hostile} ${hostile}`), OPTIONS);
    expect(compiled.where).not.toContain('DROP');
    expect(compiled.params).toContain("'; DROP TABLE events; --");
    expect(ids(`host.name:${hostile}`)).toEqual(['d']);
    expect(ids(hostile)).toEqual(['d']);
    expect(db.prepare('SELECT count(*) FROM events').pluck().get()).toBe(5);
  });

  it('treats FTS5 syntax in free text as text', () => {
    expect(ids('NEAR(x)')).toEqual(['d']);
    expect(ids('\\AND')).toEqual(['d']);
    expect(ids('^start')).toEqual(['d']);
    expect(ids('\\*star')).toEqual(['d']);
    expect(ids('"\\"quoted\\""')).toEqual(['d']);
    expect(ids('\\OR \\NOT')).toEqual([]);
    expect(() => ids('a" OR "b')).toThrow(/quote/);
  });

  it('returns the FTS expression apart for a query that drives from the FTS table', () => {
    const compiled = toSqlWhere(parseQuery('failed "from 192.168.1.10" -root host.name:Web-1 -tags:x?z user.id:7'), { ...WITH_TERMS, fullText: 'separate', tableAlias: 'e' });
    expect(compiled.match).toBe('((message : ("failed")) AND (message : ("from 192.168.1.10")) AND (terms : "host.name=~web-1")) NOT (message : ("root"))');
    expect(compiled.where).toContain('e.doc');
    expect(compiled.params).toEqual(['$."tags"', 'x?z', '$."user"."id"', '7', 7]);
  });

  it('refuses field names and identifiers that could break out of the SQL', () => {
    expect(() => toSqlWhere({ root: { kind: 'term', field: 'a"b', value: 'x', phrase: false } }, OPTIONS)).toThrow(/not a field name/);
    expect(() => toSqlWhere({ root: { kind: 'all' } }, { ...OPTIONS, documentColumn: 'doc; DROP' })).toThrow(/identifier/);
  });
});

describe('toSqlWhere – boolean structure and typed fields', () => {
  const TYPED: Record<string, Record<string, unknown>> = {
    p: { '@timestamp': '2026-03-01T10:00:00.000Z', message: 'Failed password for root', host: { name: 'web-1' }, user: { name: 'root' }, source: { ip: '10.1.2.3', port: 22 } },
    q: { '@timestamp': '2026-03-01T23:59:59.999Z', message: 'Accepted password for alice', host: { name: 'web-2' }, user: { name: 'alice' }, source: { ip: '2001:db8::5', port: '2222' } },
    r: { '@timestamp': '2026-03-02T00:00:00.000+00:00', message: 'failure on db', host: { name: 'db-1' }, source: { ip: '::ffff:192.168.0.9', port: 1024 } },
    s: { '@timestamp': Date.parse('2026-03-02T00:05:00Z'), message: 'FAILING connection', source: { ip: 'not-an-ip' } },
  };
  const TYPED_TERMS = ['host.name', 'user.name', 'source.ip'];
  const NOW = Date.parse('2026-03-02T00:10:00Z');

  function typedIds(query: string, termFields: readonly string[]): string[] {
    const memory = new Database(':memory:');
    try {
      registerSqlFunctions(memory);
      memory.exec(`
        CREATE TABLE events (time_key INTEGER PRIMARY KEY, id TEXT NOT NULL, doc TEXT NOT NULL);
        CREATE VIRTUAL TABLE events_fts USING fts5(message, terms, content='', contentless_delete=1, tokenize="unicode61 remove_diacritics 0 categories 'L* N* Co M* P* S*'");
      `);
      Object.entries(TYPED).forEach(([id, doc], key) => {
        memory.prepare('INSERT INTO events (time_key, id, doc) VALUES (?, ?, ?)').run(key, id, JSON.stringify(doc));
        const terms = termFields.flatMap((field) => scalars(field.split('.').reduce<unknown>((value, name) => (value as Record<string, unknown> | undefined)?.[name], doc)).map((value) => keywordToken(field, value)));
        memory.prepare('INSERT INTO events_fts (rowid, message, terms) VALUES (?, ?, ?)').run(key, analyzeText(String(doc.message)).join(' '), terms.join(' '));
      });
      const compiled = toSqlWhere(parseQuery(query), { ...OPTIONS, termFields: new Set(termFields), now: NOW });
      return (memory.prepare(`SELECT id FROM events WHERE ${compiled.where} ORDER BY id`).all(...compiled.params) as { id: string }[]).map((row) => row.id);
    } finally {
      memory.close();
    }
  }

  const CASES: [string, string[]][] = [
    ['user.name:root OR user.name:alice', ['p', 'q']],
    ['failed OR host.name:db-1', ['p', 'r']],
    ['NOT (user.name:root OR host.name:db-1)', ['q', 's']],
    ['host.name:(web-1 OR db-1) -failure', ['p']],
    ['password AND NOT (alice OR source.port:22)', []],
    ['(password OR connection) AND NOT alice', ['p', 's']],
    ['fail*', ['p', 'r', 's']],
    ['source.port:[22 TO 1024}', ['p']],
    ['source.port:>=1024', ['q', 'r']],
    ['source.port:{22 TO *]', ['q', 'r']],
    ['source.port:2222', ['q']],
    ['source.ip:10.0.0.0/8', ['p']],
    ['source.ip:192.168.0.0/16', ['r']],
    ['source.ip:2001:db8::/32', ['q']],
    ['source.ip:[10.0.0.0 TO 192.168.255.255]', ['p', 'r']],
    ['source.ip:::ffff:10.1.2.3', ['p']],
    ['source.ip:2001:db8:0:0:0:0:0:5', ['q']],
    ['source.ip:::/0', ['p', 'q', 'r']],
    ['@timestamp:2026-03-01', ['p', 'q']],
    ['@timestamp:[2026-03-01T12:00 TO 2026-03-02]', ['q', 'r', 's']],
    ['@timestamp:{2026-03-01 TO *]', ['r', 's']],
    ['@timestamp:<2026-03-02', ['p', 'q']],
    ['@timestamp:>=now-10m', ['r', 's']],
    ['@timestamp:>now-10m', ['s']],
    ['@timestamp:>now-15m', ['q', 'r', 's']],
    ['@timestamp:[now-1d/d TO now-1d/d]', ['p', 'q']],
    ['host.name:[db TO web-1]', ['p', 'r']],
    ['host.name:{db-1 TO web-2}', ['p']],
  ];

  it('nests AND, OR and NOT over full-text and document conditions, and compares numbers, dates and addresses by value', () => {
    for (const [query, expected] of CASES) expect(typedIds(query, []), query).toEqual(expected);
  });

  it('gives the same answers when some fields are in the full-text index', () => {
    for (const [query, expected] of CASES) expect(typedIds(query, TYPED_TERMS), query).toEqual(expected);
  });

  it('drives from the FTS table with the full-text parts every hit meets, the rest in where', () => {
    const separate = (query: string) => toSqlWhere(parseQuery(query), { ...WITH_TERMS, fullText: 'separate' });
    expect(separate('failed OR host.name:web-1')).toEqual({ where: '1', params: [], match: '(message : ("failed")) OR (terms : "host.name=web-1")' });
    expect(separate('failed -root source.port:22').match).toBe('(message : ("failed")) NOT (message : ("root"))');
    expect(separate('failed OR source.port:22').match).toBeUndefined();
    expect(separate('host.name:w?b-1').match).toBe('terms : "host.name=w" *');
  });
});

describe('toSqlWhere – size', () => {
  it('runs the largest queries the parser accepts, however they combine', () => {
    const db = new Database(':memory:');
    try {
      registerSqlFunctions(db);
      db.exec(`
        CREATE TABLE events (time_key INTEGER PRIMARY KEY, id TEXT NOT NULL, doc TEXT NOT NULL);
        CREATE VIRTUAL TABLE events_fts USING fts5(message, terms, content='', contentless_delete=1);
        INSERT INTO events VALUES (1, 'a', '{"message":"b","tags":["b"]}');
        INSERT INTO events_fts (rowid, message, terms) VALUES (1, 'b', 'host.name=b');
      `);
      const queries = [
        Array.from({ length: 1024 }, () => '-a').join(' '),
        Array.from({ length: 1024 }, () => 'a').join(' OR ').slice(0, 4096),
        Array.from({ length: 819 }, () => '-x:a').join(' '),
        Array.from({ length: 585 }, () => 'x:a').join(' OR '),
        `tags:(${Array.from({ length: 680 }, () => 'a').join(' OR ')})`,
        Array.from({ length: 340 }, () => 'a OR x:a').join(' OR '),
      ];
      for (const query of queries) {
        for (const fullText of ['subquery', 'separate'] as const) {
          const compiled = toSqlWhere(parseQuery(query), { ...OPTIONS, termFields: new Set(['host.name']), fullText });
          const sql = compiled.match === undefined ? `SELECT count(*) FROM events WHERE ${compiled.where}` : `SELECT count(*) FROM events_fts f JOIN events ON time_key = f.rowid WHERE events_fts MATCH ? AND ${compiled.where}`;
          const params = compiled.match === undefined ? compiled.params : [compiled.match, ...compiled.params];
          expect(db.prepare(sql).pluck().get(...params), `${query.slice(0, 20)}… (${fullText})`).toBe(query.startsWith('-') ? 1 : 0);
        }
      }
    } finally {
      db.close();
    }
  });
});
