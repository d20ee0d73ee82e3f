// How numbers, shares and quantities become text: the one place in the
// dashboard where they do, and by the CLI's rule (internal/numfmt, which
// docs/dashboard.md "Numbers" states): thousands separated by commas,
// whole counts without decimals, money with one, ties to even, and
// percentages that never round to a figure not reached (99.6 % of a
// requirement is ">99 %", not "100 %"; 0.3 % is "<1 %", not "0 %").

const formats = new Map();

// number formats v with exactly `decimals` decimals and commas between
// thousands, rounding the double's exact value half to even, as Go's
// strconv.FormatFloat does; a negative figure that reads zero loses its
// sign (numfmt.Number).
function number(v, decimals) {
  let f = formats.get(decimals);
  if (!f) {
    f = new Intl.NumberFormat('en-GB', {minimumFractionDigits: decimals, maximumFractionDigits: decimals, roundingMode: 'halfEven', useGrouping: true});
    formats.set(decimals, f);
  }
  const s = f.format(v);
  return /^-[0.,]*$/.test(s) ? s.slice(1) : s;
}

const missing = v => v === null || v === undefined || Number.isNaN(v) || typeof v !== 'number';

// roundHalfEven is Go's math.RoundToEven.
function roundHalfEven(x) {
  const f = Math.floor(x), d = x - f;
  if (d < 0.5) return f;
  if (d > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

// num formats a counted figure as numfmt.Count does: whole numbers without
// decimals, others with one, and up to two below 1 (0.25 stays 0.25).
// With digits, exactly that many decimals (numfmt.Number).
export function num(v, digits) {
  if (typeof v === 'string' && v.trim() !== '') v = Number(v);
  if (missing(v)) return '–';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  if (digits !== undefined) return number(v, digits);
  const r = Math.round(v);
  if (Math.abs(v - r) < 1e-9) return number(r, 0);
  if (Math.abs(v) < 1) return number(v, 2).replace(/0+$/, '');
  return number(v, 1);
}

// pct formats a share (1 = 100 %) as numfmt.Percent does: a whole percent
// rounded half to even, except that a non-zero share under 0.5 % is "<1 %",
// one from 0.5 % to 1 % is "1 %", and one from 99.5 % short of 100 % is
// ">99 %": a figure shown is never one not reached.
export function pct(share) {
  if (share === null || share === undefined) return '–';
  const p = share * 100;
  if (!Number.isFinite(p)) return '? %';
  if (p > 0 && p < 0.5) return '<1 %';
  if (p >= 0.5 && p < 1) return '1 %';
  if (p >= 99.5 && p < 100) return '>99 %';
  return `${number(roundHalfEven(p) || 0, 0)} %`;
}

const moneyUnit = /^[A-Z]{3}-(bn|m)(\/yr)?$/;

// isMoney says whether a unit is a currency amount ("EUR-bn/yr").
export const isMoney = unit => moneyUnit.test(String(unit || ''));

// amount formats money with one decimal; a non-zero amount too small for
// it reads "<0.1" (numfmt.Amount).
export function amount(v) {
  if (typeof v === 'string' && v.trim() !== '') v = Number(v);
  if (missing(v)) return '–';
  return v > 0 && v < 0.05 ? '<0.1' : number(v, 1);
}

// figure formats a quantity without its unit: money as amount, the rest
// as num (numfmt.Figure).
export function figure(v, unit) {
  return isMoney(unit) ? amount(v) : num(v);
}

// singular is a counting unit's singular (model.SingularUnit): "troops" →
// "troop", "batteries" → "battery", "trainees/yr" → "trainee/yr";
// "aircraft" and money are the same.
export function singular(unit) {
  if (isMoney(unit) || !/^[a-z][a-z0-9-]*(\/yr)?$/.test(unit)) return unit;
  const perYear = unit.endsWith('/yr');
  const base = perYear ? unit.slice(0, -3) : unit;
  const suffix = perYear ? '/yr' : '';
  if (base.endsWith('ies') && base.length > 3) return `${base.slice(0, -3)}y${suffix}`;
  if (base.endsWith('ss') || !base.endsWith('s')) return unit;
  return base.slice(0, -1) + suffix;
}

// qty formats a quantity with its unit (numfmt.Quantity): "12,000
// troops", "47.0 EUR-bn/yr", and the singular for a figure that reads
// exactly "1" ("1 vessel").
export function qty(v, unit) {
  const f = figure(v, unit);
  if (!unit || f === '–') return f;
  return `${f} ${f === '1' ? singular(unit) : unit}`;
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
