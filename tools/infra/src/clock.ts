/** Seconds since `startedAt` (a performance.now() reading), to one decimal. */
export function secondsSince(startedAt: number): number {
  return Math.round((performance.now() - startedAt) / 100) / 10;
}
