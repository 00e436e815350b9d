/** Share of a quota in whole percent, 0 when there is no quota. */
export function percentOf(used: string | number, quota: string | number): number {
  const total = Number(quota);
  return total > 0 ? Math.min(100, Math.round((Number(used) / total) * 100)) : 0;
}
