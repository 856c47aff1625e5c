/** Whether byte spans [aStart, aEnd) and [bStart, bEnd) share a byte (an empty span shares none). */
export function overlaps(aStart: number, aEnd: number, bStart: number, bEnd: number): boolean {
  return aStart < aEnd && bStart < bEnd && aStart < bEnd && bStart < aEnd;
}
