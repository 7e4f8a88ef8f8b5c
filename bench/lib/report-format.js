'use strict';
/** Number formatting for the report: thousands, milliseconds, ratios, min / median. */
const { median, min } = require('./common');

/** A number with `digits` decimals and thousands separators; 'n/a' when not finite. */
const f = (x, digits = 0) =>
  Number.isFinite(x) ? x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : 'n/a';
/** Milliseconds with 2, 1 or 0 decimals by size. */
const ms = (x) => (Number.isFinite(x) ? (x < 10 ? f(x, 2) : x < 100 ? f(x, 1) : f(x, 0)) : 'n/a');
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? a / b : Number.NaN);
/** A ratio as `1.23×`. */
const rx = (x) => (Number.isFinite(x) ? `${f(x, 2)}×` : 'n/a');
/** `min / median` of the runs. */
const mm = (xs, fmt = f) => `${fmt(min(xs))} / ${fmt(median(xs))}`;

module.exports = { f, ms, ratio, rx, mm };
