import { describe, expect, it } from 'vitest';
import { replaySummary } from './dlq-command';

const base = { read: 1000, replayed: 1000, duplicates: 0, skipped: 0, unreadable: 0, failedAgain: 1000, complete: true, deadLettersAdded: 1000 };

describe('replaySummary', () => {
  it('reports how many replayed events failed again once the processor handled them all', () => {
    const summary = replaySummary(base, 120);
    expect(summary).toContain('done: 1000 dead letters replayed, 0 left out by the filter, 0 unreadable');
    expect(summary).toContain('The processor handled every replayed event: 1000 failed again and are dead letters once more');
    expect(summary).toContain('The dead-letter topic grew by 1000 while the replay ran');
  });

  it('says so when the processor had not handled every replayed event in time', () => {
    expect(replaySummary({ ...base, failedAgain: 10, complete: false, deadLettersAdded: 10 }, 5)).toContain('had not handled every replayed event after 5 s');
  });

  it('reports nothing about the processor when nothing was replayed', () => {
    const summary = replaySummary({ ...base, replayed: 0, skipped: 1000, failedAgain: 0, deadLettersAdded: 0 }, 120);
    expect(summary).not.toContain('The processor');
    expect(summary).toContain('1000 left out by the filter');
  });
});
