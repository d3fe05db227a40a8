import { describe, expect, it } from 'vitest';
import type { FileLine } from './file-lines';
import { MultilineJoiner } from './multiline';

let offset = 0;
const line = (text: string): FileLine => ({ payload: Buffer.from(text), end: (offset += text.length + 1), truncated: false });
const texts = (events: FileLine[]) => events.map((event) => event.payload.toString());

describe('multi-line joiner', () => {
  it('appends lines that do not match the start pattern to the event before (a Java stack trace)', () => {
    const joiner = new MultilineJoiner(/^\d{4}-\d{2}-\d{2} /u, 1000);
    expect(joiner.push(line('2026-11-23 ERROR boom'))).toEqual([]);
    expect(joiner.push(line('java.lang.IllegalStateException: bad'))).toEqual([]);
    expect(joiner.push(line('\tat com.example.A.run(A.java:10)'))).toEqual([]);
    const last = line('2026-11-23 INFO next');
    const events = joiner.push(last);
    expect(texts(events)).toEqual(['2026-11-23 ERROR boom\njava.lang.IllegalStateException: bad\n\tat com.example.A.run(A.java:10)']);
    expect(events[0]!.end).toBe(last.end - last.payload.length - 1);
    expect(joiner.hasPending).toBe(true);
    expect(texts(joiner.flush())).toEqual(['2026-11-23 INFO next']);
    expect(joiner.hasPending).toBe(false);
  });

  it('passes every line through as its own event without a pattern', () => {
    const joiner = new MultilineJoiner(undefined, 1000);
    expect(texts(joiner.push(line('  indented')))).toEqual(['  indented']);
    expect(joiner.hasPending).toBe(false);
  });

  it('cuts a joined event at maxBytes and flags it, keeping the end offset of its last line', () => {
    const joiner = new MultilineJoiner(/^START/u, 10);
    joiner.push(line('START 1234'));
    const tail = line('more lines that do not fit');
    joiner.push(tail);
    expect(joiner.flush()).toEqual([{ payload: Buffer.from('START 1234'), end: tail.end, truncated: true }]);
  });
});
