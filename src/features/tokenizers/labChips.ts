/**
 * Byte-exact chip pieces for the lab's rows, with the next-token lab's rules: whitespace
 * markers from visibleToken (␣ ↵ ⇥) styled apart, bytes of split characters as `\xNN`.
 */
import { visibleToken } from '../next-token/visibleToken';

export type ChipPieceKind = 'text' | 'space' | 'newline' | 'tab' | 'bytes';

export function chipPieces(text: string): { kind: ChipPieceKind; value: string }[] {
  return text
    .split(/(\\x[0-9A-F]{2}| |\n|\t)/)
    .filter(Boolean)
    .map((value) => {
      if (value === ' ') return { kind: 'space', value: visibleToken(value) };
      if (value === '\n') return { kind: 'newline', value: visibleToken(value) };
      if (value === '\t') return { kind: 'tab', value: visibleToken(value) };
      if (/^\\x[0-9A-F]{2}$/.test(value)) return { kind: 'bytes', value };
      return { kind: 'text', value };
    });
}

/** Whether byte spans [aStart, aEnd) and [bStart, bEnd) share a byte (an empty span shares none). */
export function overlaps(aStart: number, aEnd: number, bStart: number, bEnd: number): boolean {
  return aStart < aEnd && bStart < bEnd && aStart < bEnd && bStart < aEnd;
}
