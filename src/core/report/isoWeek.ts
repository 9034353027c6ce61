/** ISO 8601 week (`2026-W03`) of a time in seconds since the epoch, in UTC: sortable as text, Monday-based. */
export function isoWeek(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  const mondayBased = (d.getUTCDay() + 6) % 7;
  // The ISO week-year is the year of the week's Thursday.
  const thursday = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - mondayBased + 3);
  const year = new Date(thursday).getUTCFullYear();
  const week = 1 + Math.floor((thursday - Date.UTC(year, 0, 1)) / (7 * 86400000));
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The Monday (UTC, YYYY-MM-DD) that starts an ISO week label. */
export function isoWeekStart(label: string): string {
  const m = /^(\d{4})-W(\d{2})$/.exec(label);
  if (!m) return label;
  const year = Number(m[1]),
    week = Number(m[2]);
  const jan4 = Date.UTC(year, 0, 4);
  const jan4Monday = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * 86400000;
  return new Date(jan4Monday + (week - 1) * 7 * 86400000).toISOString().slice(0, 10);
}
