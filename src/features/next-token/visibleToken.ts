/** Makes whitespace visible in a token label: a space as ␣, newlines as ↵, tabs as ⇥. */
export function visibleToken(text: string): string {
  return text.replace(/ /g, '␣').replace(/\n/g, '↵').replace(/\t/g, '⇥');
}
