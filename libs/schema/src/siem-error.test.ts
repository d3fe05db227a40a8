import { describe, expect, it } from 'vitest';
import { SiemError } from './siem-error';

class ExampleError extends SiemError<'SIEM_EXAMPLE_BROKEN'> {}

describe('SiemError', () => {
  it('carries code, retryability, cause and the subclass name', () => {
    const cause = new Error('disk');
    const error = new ExampleError('SIEM_EXAMPLE_BROKEN', 'Broken; fix the disk.', { cause, retryable: true });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ExampleError');
    expect(error.code).toBe('SIEM_EXAMPLE_BROKEN');
    expect(error.retryable).toBe(true);
    expect(error.cause).toBe(cause);
  });
});
