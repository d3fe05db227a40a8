import { describe, expect, it } from 'vitest';
import { ConditionSyntaxError, parseCondition } from './condition';

const ids = ['selection_a', 'selection_b', 'filter', '_hidden', 'keywords'];

describe('parseCondition', () => {
  it('rules – not binds tighter than and, and tighter than or', () => {
    expect(parseCondition('selection_a or selection_b and not filter', ids)).toEqual({
      kind: 'or',
      operands: [
        { kind: 'ref', name: 'selection_a' },
        { kind: 'and', operands: [{ kind: 'ref', name: 'selection_b' }, { kind: 'not', operand: { kind: 'ref', name: 'filter' } }] },
      ],
    });
  });

  it('rules – expands "1 of", "all of", "any of" and "them" (without identifiers starting with _)', () => {
    expect(parseCondition('all of selection_*', ids)).toEqual({ kind: 'and', operands: [{ kind: 'ref', name: 'selection_a' }, { kind: 'ref', name: 'selection_b' }] });
    expect(parseCondition('1 of them', ids)).toMatchObject({ kind: 'or', operands: [{ name: 'selection_a' }, { name: 'selection_b' }, { name: 'filter' }, { name: 'keywords' }] });
    expect(parseCondition('any of filt*', ids)).toEqual({ kind: 'ref', name: 'filter' });
    expect(parseCondition('NOT (selection_a AND filter)', ids)).toMatchObject({ kind: 'not', operand: { kind: 'and' } });
  });

  it('rules – refuses malformed conditions with the position', () => {
    const cases: [string, number][] = [
      ['selection_a and', 15],
      ['(selection_a', 12],
      ['selection_a selection_b', 12],
      ['1 of nothing*', 5],
      ['selection_c', 0],
      ['selection_a | count() > 3', 12],
      ['and selection_a', 0],
    ];
    for (const [text, position] of cases) {
      let error: unknown;
      try {
        parseCondition(text, ids);
      } catch (caught) {
        error = caught;
      }
      expect(error, text).toBeInstanceOf(ConditionSyntaxError);
      expect((error as ConditionSyntaxError).position, text).toBe(position);
    }
  });
});
