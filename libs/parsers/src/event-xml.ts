/**
 * Reads the XML of one event-log record (`<Event><System>...</System>
 * <EventData><Data Name="Image">...</Data>...</EventData></Event>`), as
 * Sysmon for Linux writes it to syslog, into the JSON shape evtx_dump gives
 * the same record on Windows: System children as text or `{ '#attributes' }`,
 * EventData as name → value. One pass over the text, no DOM and no
 * dependency: the shape is two levels of elements, so anything richer (CDATA,
 * comments, a DOCTYPE, deeper nesting) is refused rather than interpreted.
 */

export type EventXmlResult = { ok: true; value: Record<string, unknown> } | { ok: false; reason: string };

interface Element {
  readonly name: string;
  readonly attributes: Record<string, string>;
  readonly children: Element[];
  text: string;
}

/** Event > System|EventData > their fields: deeper than this is not an event record. */
const MAX_DEPTH = 3;

const NAMED_ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

class XmlSyntaxError extends Error {}

function isNameChar(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || (code >= 0x30 && code <= 0x39) || code === 0x5f || code === 0x2d || code === 0x2e || code === 0x3a
  );
}

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

/** Replaces the five named entities and numeric character references; an unknown entity is a syntax error. */
function decodeEntities(text: string, offset: number): string {
  let amp = text.indexOf('&');
  if (amp < 0) return text;
  let result = '';
  let from = 0;
  while (amp >= 0) {
    const semicolon = text.indexOf(';', amp);
    if (semicolon < 0 || semicolon - amp > 10) throw new XmlSyntaxError(`unterminated character reference at character ${offset + amp}`);
    const entity = text.slice(amp + 1, semicolon);
    let decoded = NAMED_ENTITIES[entity];
    if (decoded === undefined && entity.startsWith('#')) {
      const codePoint = entity.startsWith('#x') ? Number.parseInt(entity.slice(2), 16) : Number.parseInt(entity.slice(1), 10);
      if (Number.isInteger(codePoint) && codePoint > 0 && codePoint <= 0x10_ffff) decoded = String.fromCodePoint(codePoint);
    }
    if (decoded === undefined) throw new XmlSyntaxError(`unknown character reference "&${entity};" at character ${offset + amp}`);
    result += text.slice(from, amp) + decoded;
    from = semicolon + 1;
    amp = text.indexOf('&', from);
  }
  return result + text.slice(from);
}

class Reader {
  index = 0;
  constructor(private readonly xml: string) {}

  private fail(what: string): never {
    throw new XmlSyntaxError(`${what} at character ${this.index}`);
  }

  private skipSpace(): void {
    while (isSpace(this.xml.charCodeAt(this.index))) this.index++;
  }

  private name(): string {
    const start = this.index;
    while (isNameChar(this.xml.charCodeAt(this.index))) this.index++;
    if (this.index === start) this.fail(this.index >= this.xml.length ? 'the record ends inside a tag' : 'expected an element or attribute name');
    return this.xml.slice(start, this.index);
  }

  /** Reads `<name attr="v" ...>` or `<name .../>`, its content and its end tag; the reader stands on `<`. */
  element(depth: number): Element {
    if (depth > MAX_DEPTH) this.fail(`elements nest deeper than ${MAX_DEPTH} levels`);
    this.index++;
    const element: Element = { name: this.name(), attributes: {}, children: [], text: '' };
    for (;;) {
      this.skipSpace();
      const code = this.xml.charCodeAt(this.index);
      if (code === 0x2f) {
        if (this.xml.charCodeAt(this.index + 1) !== 0x3e) this.fail('expected ">" after "/"');
        this.index += 2;
        return element;
      }
      if (code === 0x3e) {
        this.index++;
        break;
      }
      if (Number.isNaN(code)) this.fail(`the start tag <${element.name}> is not closed`);
      const attribute = this.name();
      this.skipSpace();
      if (this.xml.charCodeAt(this.index) !== 0x3d) this.fail(`expected "=" after attribute ${attribute}`);
      this.index++;
      this.skipSpace();
      const quote = this.xml.charCodeAt(this.index);
      if (quote !== 0x22 && quote !== 0x27) this.fail(`expected a quoted value for attribute ${attribute}`);
      const end = this.xml.indexOf(quote === 0x22 ? '"' : "'", this.index + 1);
      if (end < 0) this.fail(`the value of attribute ${attribute} is not closed`);
      element.attributes[attribute] = decodeEntities(this.xml.slice(this.index + 1, end), this.index + 1);
      this.index = end + 1;
    }
    this.content(element, depth);
    return element;
  }

  /** Text and child elements up to `</name>`. */
  private content(element: Element, depth: number): void {
    for (;;) {
      const lt = this.xml.indexOf('<', this.index);
      if (lt < 0) this.fail(`<${element.name}> is not closed`);
      if (lt > this.index) element.text += decodeEntities(this.xml.slice(this.index, lt), this.index);
      this.index = lt;
      const next = this.xml.charCodeAt(lt + 1);
      if (next === 0x2f) {
        this.index = lt + 2;
        const name = this.name();
        if (name !== element.name) this.fail(`</${name}> closes <${element.name}>`);
        this.skipSpace();
        if (this.xml.charCodeAt(this.index) !== 0x3e) this.fail(`expected ">" to end </${name}>`);
        this.index++;
        return;
      }
      if (next === 0x21 || next === 0x3f) this.fail('comments, CDATA and processing instructions are not part of an event record');
      element.children.push(this.element(depth + 1));
    }
  }

  /** The one root element, with nothing but white space after it. */
  document(): Element {
    this.skipSpace();
    if (this.xml.charCodeAt(this.index) !== 0x3c) this.fail('expected "<"');
    const root = this.element(1);
    this.skipSpace();
    if (this.index < this.xml.length) this.fail('text after the root element');
    return root;
  }
}

/** A System child as evtx_dump writes it: its text, or its attributes (and text) under `#attributes`. */
function systemValue(element: Element): unknown {
  const hasAttributes = Object.keys(element.attributes).length > 0;
  if (!hasAttributes) return element.text;
  return element.text === '' ? { '#attributes': element.attributes } : { '#attributes': element.attributes, '#text': element.text };
}

function isSafeKey(name: string): boolean {
  return name !== '__proto__' && name !== 'constructor' && name !== 'prototype';
}

/** Parses an `<Event>` record into `{ Event: { System, EventData } }`, or says why it cannot. */
export function readEventXml(xml: string): EventXmlResult {
  let root: Element;
  try {
    root = new Reader(xml).document();
  } catch (error) {
    if (error instanceof XmlSyntaxError) return { ok: false, reason: error.message };
    throw error;
  }
  if (root.name !== 'Event') return { ok: false, reason: `the root element is <${root.name}>, not <Event>` };
  const system: Record<string, unknown> = {};
  const eventData: Record<string, string> = {};
  let hasSystem = false;
  for (const section of root.children) {
    if (section.name === 'System') {
      hasSystem = true;
      for (const field of section.children) if (isSafeKey(field.name)) system[field.name] = systemValue(field);
    } else if (section.name === 'EventData') {
      for (const data of section.children) {
        const name = data.attributes.Name;
        if (data.name === 'Data' && name !== undefined && name !== '' && isSafeKey(name)) eventData[name] = data.text;
      }
    }
  }
  if (!hasSystem) return { ok: false, reason: 'the <Event> has no <System> element' };
  return { ok: true, value: { Event: { System: system, EventData: eventData } } };
}
