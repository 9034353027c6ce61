/**
 * "3 days ago": how long ago a commit was made, by the thresholds of git's `--date=relative`
 * (date.c, show_date_relative), so the editor and `git log` describe the same commit the same way. One
 * difference: under 90 seconds is "just now" rather than a count of seconds, which would change on every
 * redraw of an annotation that is not redrawn every second.
 */
export function relativeAge(thenMs: number, nowMs: number): string {
  const seconds = Math.floor((nowMs - thenMs) / 1000);
  if (seconds < 0) return 'in the future';
  if (seconds < 90) return 'just now';
  const minutes = Math.floor((seconds + 30) / 60);
  if (minutes < 90) return plural(minutes, 'minute');
  const hours = Math.floor((minutes + 30) / 60);
  if (hours < 36) return plural(hours, 'hour');
  const days = Math.floor((hours + 12) / 24);
  if (days < 14) return plural(days, 'day');
  if (days < 70) return plural(Math.floor((days + 3) / 7), 'week');
  if (days < 365) return plural(Math.floor((days + 15) / 30), 'month');
  if (days < 1825) {
    // Rounded to the nearest month, as git does.
    const totalMonths = Math.floor((days * 12 * 2 + 365) / (365 * 2));
    const years = Math.floor(totalMonths / 12);
    const months = totalMonths % 12;
    return months ? `${count(years, 'year')}, ${plural(months, 'month')}` : plural(years, 'year');
  }
  return plural(Math.floor((days + 183) / 365), 'year');
}

function count(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

function plural(n: number, unit: string): string {
  return `${count(n, unit)} ago`;
}
