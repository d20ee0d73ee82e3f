// How numbers, shares and times read: thousands separators, units, and
// percentages that never round up to a figure not reached (99.6 % of a
// requirement is "99 %", not "100 %"), as internal/numfmt does for the CLI.

const grouping = new Intl.NumberFormat('en-GB', {maximumFractionDigits: 1});
const whole = new Intl.NumberFormat('en-GB', {maximumFractionDigits: 0});

export function num(v, digits) {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  if (digits !== undefined) {
    return new Intl.NumberFormat('en-GB', {minimumFractionDigits: digits, maximumFractionDigits: digits}).format(v);
  }
  return Math.abs(v) >= 100 ? whole.format(v) : grouping.format(v);
}

// pct formats a share (1 = 100 %), floored below 1 and above it alike, so
// that a figure shown is always reached.
export function pct(share) {
  if (share === null || share === undefined || Number.isNaN(share)) return '–';
  const p = share * 100;
  const shown = p > 0 && p < 1 ? '<1' : whole.format(Math.floor(p + 1e-9));
  return `${shown} %`;
}

export function qty(v, unit) {
  return unit ? `${num(v)} ${unit}` : num(v);
}

// dateTime shows an instant in UTC, to the minute.
export function dateTime(iso) {
  if (!iso) return '–';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

export function day(iso) {
  return iso ? String(iso).slice(0, 10) : '–';
}

// span says how long ms is, in the largest unit that keeps it readable.
export function span(ms) {
  const a = Math.abs(ms);
  const h = a / 3.6e6;
  if (h < 1) return `${Math.max(1, Math.round(a / 6e4))} min`;
  if (h < 48) return `${Math.round(h)} h`;
  const d = h / 24;
  if (d < 60) return `${Math.round(d)} d`;
  if (d < 730) return `${Math.round(d / 30.44)} months`;
  return `${num(d / 365.25, 1)} years`;
}

// isoDay and fromDay convert between Date and YYYY-MM-DD (UTC).
export function isoDay(d) {
  return d.toISOString().slice(0, 10);
}
export function fromDay(s) {
  return new Date(`${s}T00:00:00Z`);
}
export const DAY = 86400000;
