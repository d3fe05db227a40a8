import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseQuery } from './parse-query';
import { analyzeText, keywordToken, toSqlWhere, type SqlCompileOptions } from './to-sql';

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
    expect(toSqlWhere(parseQuery('host.name:web-1'), WITH_TERMS).where).toBe('(rowid IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ?))');
  });

  it('writes keyword tokens that keep case and never split', () => {
    expect(keywordToken('host.name', 'web-1')).toBe('host.name=web-1');
    expect(keywordToken('host.Name', 'Wéb ~1')).toBe('host.~name=~w~#e9;b~#20;~~1');
    expect(analyzeText(keywordToken('a', 'x'))).toEqual(['a', 'x']);
  });

  it('matches a number by value and an array by any element, never an object by its members', () => {
    expect(ids('source.port:22')).toEqual(['a', 'c']);
    expect(ids('source.port:22.0')).toEqual(['a']);
    expect(ids('tags:prod')).toEqual(['b']);
    expect(ids('ok:true')).toEqual(['b']);
    expect(ids('user:root')).toEqual([]);
  });

  it('treats * and ? as wildcards and [ as a plain character', () => {
    expect(ids('host.name:?eb-?')).toEqual(['a', 'b']);
    expect(ids('host.name:w*')).toEqual(['a']);
    expect(ids('user.name:[a]*')).toEqual([]);
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
    expect(ids('message:*')).toEqual([]);
    expect(ids('password -message:*')).toEqual(['a', 'b', 'c']);
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
    expect(ids('AND')).toEqual(['d']);
    expect(ids('^start')).toEqual(['d']);
    expect(ids('*star')).toEqual(['d']);
    expect(ids('"\\"quoted\\""')).toEqual(['d']);
    expect(ids('OR NOT')).toEqual([]);
    expect(() => ids('a" OR "b')).toThrow(/quote/);
  });

  it('returns the FTS expression apart for a query that drives from the FTS table', () => {
    const compiled = toSqlWhere(parseQuery('failed "from 192.168.1.10" -root host.name:Web-1 -tags:x?z user.id:7'), { ...WITH_TERMS, fullText: 'separate', tableAlias: 'e' });
    expect(compiled.match).toBe('((message : ("failed")) AND (message : ("from 192.168.1.10")) AND (terms : "host.name=~web-1")) NOT (message : ("root"))');
    expect(compiled.where).toContain('e.doc');
    expect(compiled.params).toEqual(['$."tags"', 'x?z', '$."user"."id"', '7', 7]);
  });

  it('refuses field names and identifiers that could break out of the SQL', () => {
    expect(() => toSqlWhere({ clauses: [{ field: 'a"b', value: 'x', phrase: false, negated: false }] }, OPTIONS)).toThrow(/not a field name/);
    expect(() => toSqlWhere({ clauses: [] }, { ...OPTIONS, documentColumn: 'doc; DROP' })).toThrow(/identifier/);
  });
});
