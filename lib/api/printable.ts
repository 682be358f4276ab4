// Text from outside — object keys, reasons, server messages — made safe to show. A key can hold
// any character: ESC and the other C0/C1 controls drive a terminal (clear the screen, set the
// title, write the clipboard with OSC 52, add hyperlinks, hide text), and the Unicode format
// characters reorder or hide what a reader sees (U+202E shows "invoice-\u202erav.exe" as
// "invoice-exe.var"). Each such character is shown as its escape instead: \x1b, \u202e.
//
// One function for every place that shows outside text: the CLI's output (lib/operator) and the
// dashboard, which receives this function's own source (files.ts) — so it must reference nothing
// outside itself.

/**
 * `text` with every control and invisible formatting character replaced by a visible escape
 * (\xhh below U+0100, \uhhhh above, lower-case hex as JSON and JavaScript write them). With `keepNewlines`, "\n" stays a line break (for whole
 * lines of output whose outside parts were escaped already). A backslash is left as it is, so
 * escaping twice changes nothing.
 */
export function printable(text: string, keepNewlines = false): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const hidden =
      (code < 0x20 && !(keepNewlines && code === 0x0a)) ||
      (code >= 0x7f && code <= 0x9f) || // DEL and the C1 controls (0x9B is a one-byte CSI)
      code === 0xad || // soft hyphen
      code === 0x061c || // Arabic letter mark
      code === 0x180e || // Mongolian vowel separator
      (code >= 0x200b && code <= 0x200f) || // zero-width space, joiners, LRM, RLM
      (code >= 0x2028 && code <= 0x202e) || // line/paragraph separators, bidi embeddings and overrides
      (code >= 0x2060 && code <= 0x2069) || // word joiner, invisible operators, bidi isolates
      code === 0xfeff || // zero-width no-break space
      (code >= 0xfff9 && code <= 0xfffb); // interlinear annotations
    if (!hidden) out += text[i];
    else out += code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  }
  return out;
}
