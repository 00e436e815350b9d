/** Bytes as people read them (binary units, as mailctl prints them); byte counts come as strings from the API. */
export function humanBytes(value: string | number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let size = Number(value);
  let unit = 0;
  while (size >= 1024 && unit < units.length - 1) {
    size /= 1024;
    unit++;
  }
  return `${unit === 0 ? size : size.toFixed(1)} ${units[unit]}`;
}

/** Share of a quota in whole percent, 0 when there is no quota. */
export function percentOf(used: string | number, quota: string | number): number {
  const total = Number(quota);
  return total > 0 ? Math.min(100, Math.round((Number(used) / total) * 100)) : 0;
}
