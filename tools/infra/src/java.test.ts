import { describe, expect, it } from 'vitest';
import { parseJavaMajor } from './java';

describe('parseJavaMajor', () => {
  it('java – reads the major version of modern and legacy version strings', () => {
    expect(parseJavaMajor('openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime Environment')).toBe(17);
    expect(parseJavaMajor('openjdk version "21" 2023-09-19')).toBe(21);
    expect(parseJavaMajor('java version "1.8.0_392"')).toBe(8);
    expect(parseJavaMajor('openjdk version "11.0.2-ea"')).toBe(11);
  });

  it('java – returns null for output it does not recognise', () => {
    expect(parseJavaMajor('command not found')).toBeNull();
  });
});
