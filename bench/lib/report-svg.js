'use strict';
/** bench/latency.svg: the chart of latency against offered load from the saturation sweeps. */
const { median, min, max } = require('./common');

/** Latency (p50, p99, log scale) against offered load, both servers: medians over the runs of the ladder steps. */
const svg = (r) => {
  const W = 760;
  const H = 460;
  const pad = { l: 70, r: 170, t: 40, b: 55 };
  const series = [];
  const colours = { baseline: '#1f77b4', project: '#d62728', projectWarn: '#ff7f0e', projectMemory: '#7f7f7f' };
  // The project at each log level it was swept at (results before the levels: `project`, at warn).
  const levels = r.saturation.logLevels ?? { project: 'warn' };
  const diagnostics = r.saturation.diagnostics ?? {};
  const labels = {
    baseline: 'baseline',
    ...Object.fromEntries(Object.entries(levels).map(([key, level]) => [key, `project ${level}`])),
    // A diagnostic subject, by what it changes: `project memory` for EVENT_STORE=memory.
    ...Object.fromEntries(
      Object.entries(diagnostics).map(([key, env]) => [key, `project ${env.EVENT_STORE ?? Object.values(env).join(' ')}`]),
    ),
  };
  for (const kind of ['baseline', ...Object.keys(levels), ...Object.keys(diagnostics)]) {
    if (!(r.saturation[kind] ?? []).length) continue;
    const byOffered = new Map();
    for (const run of r.saturation[kind]) {
      for (const st of run.steps) {
        if (st.refine || st.retried) continue;
        const e = byOffered.get(st.offered) || { p50: [], p99: [] };
        e.p50.push(st.latency.p50);
        e.p99.push(st.latency.p99);
        byOffered.set(st.offered, e);
      }
    }
    const pts = [...byOffered].sort((a, b) => a[0] - b[0]);
    for (const k of ['p99', 'p50'])
      series.push({
        kind: labels[kind],
        k,
        colour: colours[kind] ?? '#2ca02c',
        dash: k === 'p50' ? '5,4' : '',
        points: pts.map(([x, e]) => [x, median(e[k])]),
      });
  }
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = series.flatMap((s) => s.points.map((p) => p[1])).filter((y) => y > 0);
  const xMax = max(xs) * 1.05;
  const yMin = Math.min(0.1, min(ys));
  const yMax = Math.max(1000, max(ys));
  const lo = Math.log10(yMin);
  const hi = Math.log10(yMax);
  const X = (x) => pad.l + (x / xMax) * (W - pad.l - pad.r);
  const Y = (y) => pad.t + (1 - (Math.log10(Math.max(y, yMin)) - lo) / (hi - lo)) * (H - pad.t - pad.b);
  const o = [];
  o.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
  );
  o.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  o.push(
    `<text x="${pad.l}" y="22" font-size="14" font-weight="bold">End-to-end latency against offered load (median of ${r.saturation?.runs ?? r.runs} run${(r.saturation?.runs ?? r.runs) > 1 ? 's' : ''})</text>`,
  );
  o.push(
    `<text x="${pad.l}" y="${H - 4}" font-size="10" fill="#666">Saturation sweeps, nest-chat bench. A point is the median of the runs that reached that load; a sweep stops after its first failing step.</text>`,
  );
  // grid and axes
  for (let e = Math.ceil(lo); e <= Math.floor(hi); e++) {
    const y = Y(10 ** e);
    o.push(`<line x1="${pad.l}" x2="${W - pad.r}" y1="${y}" y2="${y}" stroke="#ddd"/>`);
    o.push(`<text x="${pad.l - 8}" y="${y + 4}" text-anchor="end">${10 ** e >= 1 ? 10 ** e : (10 ** e).toFixed(-e)}</text>`);
  }
  const step = niceStep(xMax / 6);
  for (let x = 0; x <= xMax; x += step) {
    const px = X(x);
    o.push(`<line x1="${px}" x2="${px}" y1="${pad.t}" y2="${H - pad.b}" stroke="#eee"/>`);
    o.push(`<text x="${px}" y="${H - pad.b + 18}" text-anchor="middle">${x >= 1000 ? `${x / 1000}k` : x}</text>`);
  }
  o.push(`<line x1="${pad.l}" x2="${W - pad.r}" y1="${H - pad.b}" y2="${H - pad.b}" stroke="black"/>`);
  o.push(`<line x1="${pad.l}" x2="${pad.l}" y1="${pad.t}" y2="${H - pad.b}" stroke="black"/>`);
  o.push(`<text x="${(pad.l + W - pad.r) / 2}" y="${H - 22}" text-anchor="middle">offered load, deliveries/s</text>`);
  o.push(`<text transform="translate(18 ${(pad.t + H - pad.b) / 2}) rotate(-90)" text-anchor="middle">latency, ms (log scale)</text>`);
  // the 50 ms criterion and the half load
  const y50 = Y(r.config.pass.p99Ms);
  o.push(`<line x1="${pad.l}" x2="${W - pad.r}" y1="${y50}" y2="${y50}" stroke="#888" stroke-dasharray="2,3"/>`);
  o.push(`<text x="${W - pad.r - 4}" y="${y50 - 4}" text-anchor="end" fill="#666">p99 limit ${r.config.pass.p99Ms} ms</text>`);
  if (r.latency) {
    const hx = X(r.latency.offered);
    o.push(`<line x1="${hx}" x2="${hx}" y1="${pad.t}" y2="${H - pad.b}" stroke="#888" stroke-dasharray="2,3"/>`);
    o.push(`<text x="${hx + 4}" y="${pad.t + 12}" fill="#666">half of baseline saturation</text>`);
  }
  for (const s of series) {
    const d = s.points.map(([x, y], i) => `${i ? 'L' : 'M'}${X(x).toFixed(1)},${Y(y).toFixed(1)}`).join(' ');
    o.push(`<path d="${d}" fill="none" stroke="${s.colour}" stroke-width="2" ${s.dash ? `stroke-dasharray="${s.dash}"` : ''}/>`);
    for (const [x, y] of s.points) o.push(`<circle cx="${X(x).toFixed(1)}" cy="${Y(y).toFixed(1)}" r="3" fill="${s.colour}"/>`);
  }
  // legend
  let ly = pad.t + 10;
  for (const s of series) {
    o.push(
      `<line x1="${W - pad.r + 15}" x2="${W - pad.r + 45}" y1="${ly}" y2="${ly}" stroke="${s.colour}" stroke-width="2" ${s.dash ? `stroke-dasharray="${s.dash}"` : ''}/>`,
    );
    o.push(`<text x="${W - pad.r + 52}" y="${ly + 4}">${s.kind} ${s.k}</text>`);
    ly += 20;
  }
  o.push('</svg>');
  return `${o.join('\n')}\n`;
};

const niceStep = (raw) => {
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) if (p * m >= raw) return p * m;
  return p * 10;
};

module.exports = { svg };
