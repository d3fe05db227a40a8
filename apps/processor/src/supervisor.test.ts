import { describe, expect, it } from 'vitest';
import { workerExecArgv } from './supervisor';

describe('workerExecArgv', () => {
  it('adds the semi-space size to the primary options', () => {
    expect(workerExecArgv(['--import', 'tsx'], 64)).toEqual(['--import', 'tsx', '--max-semi-space-size=64']);
  });

  it('keeps a size the operator already gave, and adds none at 0', () => {
    expect(workerExecArgv(['--max-semi-space-size=16'], 64)).toEqual(['--max-semi-space-size=16']);
    expect(workerExecArgv(['--import', 'tsx'], 0)).toEqual(['--import', 'tsx']);
  });
});
