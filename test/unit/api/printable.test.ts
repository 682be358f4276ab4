// One rule for every place outside text is shown (the CLI, the dashboard): each control and
// invisible formatting character becomes its escape; everything else is left as it was.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { printable } from '../../../lib/api/printable';

describe('printable', () => {
  it.each([
    ['ESC [2J (clear the screen)', 'a\u001b[2Jb', 'a\\x1b[2Jb'],
    ['OSC 52 (write the clipboard), ended by BEL', '\u001b]52;c;aGk=\u0007', '\\x1b]52;c;aGk=\\x07'],
    ['a C1 CSI', 'x\u009b2J', 'x\\x9b2J'],
    ['CR and LF', 'one\r\ntwo', 'one\\x0d\\x0atwo'],
    ['DEL and NUL', '\u007f\u0000', '\\x7f\\x00'],
    ['a right-to-left override', 'invoice-\u202erav.exe', 'invoice-\\u202erav.exe'],
    ['bidi isolates and marks', '\u2066a\u2069\u200f', '\\u2066a\\u2069\\u200f'],
    ['zero-width and soft-hyphen characters', 'a\u200bb\u00adc\ufeff', 'a\\u200bb\\xadc\\ufeff'],
    ['line and paragraph separators', 'a\u2028b\u2029', 'a\\u2028b\\u2029'],
  ])('shows %s as its escape', (_label, text, shown) => {
    expect(printable(text)).toBe(shown);
  });

  it.each([
    ['plain ASCII', 'logs/2024/part 1.gz'],
    ['non-ASCII letters and emoji', 'données/日本/🧊 ü'],
    ['a backslash', 'a\\x1bb'],
  ])('leaves %s as it is', (_label, text) => {
    expect(printable(text)).toBe(text);
  });

  it('keeps line breaks only when asked (whole lines of output)', () => {
    expect(printable('a\nb\u001b', true)).toBe('a\nb\\x1b');
  });

  it('changes nothing the second time, and leaves no hidden character, for any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const once = printable(text);
        expect(printable(once)).toBe(once);
        // biome-ignore lint/suspicious/noControlCharactersInRegex: the characters looked for.
        expect(once).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
      }),
      { numRuns: 500, seed: 180001 },
    );
  });
});
