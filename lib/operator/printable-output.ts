// Every command's output passes printable() (lib/api/printable.ts) on its way to the terminal:
// keys, reasons and server messages can hold ESC, other controls and bidi overrides, and a line of
// output must never clear the screen, retitle the window or pass for another line. The commands'
// own text holds nothing printable() changes but line breaks, which stay; a line break inside an
// outside string is escaped where that string is interpolated (table cells, keys).
import { printable } from '../api/printable';

export { printable };

interface Output {
  out(text: string): void;
  ask(question: string): Promise<string>;
}

/** `terminal`, with everything written through it made printable. */
export function printableTerminal<T extends Output>(terminal: T): T {
  return { ...terminal, out: (text: string) => terminal.out(printable(text, true)), ask: (question: string) => terminal.ask(printable(question, true)) };
}
