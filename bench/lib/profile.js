'use strict';
/** Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time by function and by file/package. */
const fs = require('node:fs');
const path = require('node:path');

const { SourceMap } = require('node:module');

const ROOT = path.resolve(__dirname, '..', '..');

const maps = new Map();
/** dist/x.js line/column → src/x.ts line, through the .js.map tsc wrote beside it. */
const srcLine = (file, line, column) => {
  if (!maps.has(file)) {
    let map = null;
    try {
      map = new SourceMap(JSON.parse(fs.readFileSync(`${file}.map`, 'utf8')));
    } catch {
      map = null;
    }
    maps.set(file, map);
  }
  const map = maps.get(file);
  if (!map) return null;
  const entry = map.findEntry(line, column);
  return entry && typeof entry.originalLine === 'number' ? entry.originalLine + 1 : null;
};

/** A call frame as `name  file:line`, project frames as their src/*.ts source line. */
const frame = (cf) => {
  const name = cf.functionName || '(anonymous)';
  const file = (cf.url || '').replace(/^file:\/\//, '');
  if (file.startsWith(path.join(ROOT, 'dist') + '/')) {
    const line = srcLine(file, cf.lineNumber, cf.columnNumber);
    const src = path
      .relative(ROOT, file)
      .replace(/^dist\//, 'src/')
      .replace(/\.js$/, '.ts');
    return `${name}  ${src}:${line ?? `${cf.lineNumber + 1} (dist)`}`;
  }
  return `${name}  ${where(cf.url)}${cf.url ? `:${cf.lineNumber + 1}` : ''}`;
};

/** A file under node_modules/ as {pkg, inner} (the package, scoped or not, and the path inside it); else null. */
const inPackage = (file) => {
  const nm = file.lastIndexOf('node_modules/');
  if (nm < 0) return null;
  const rest = file.slice(nm + 'node_modules/'.length).split('/');
  const n = rest[0].startsWith('@') ? 2 : 1;
  return { pkg: rest.slice(0, n).join('/'), inner: rest.slice(n).join('/') };
};

/** dist/… → src/….ts (what a reader should open), node_modules/<pkg>/… → <pkg>, node:… stays. */
const where = (url) => {
  if (!url) return '(native)';
  let file = url.replace(/^file:\/\//, '');
  if (file.startsWith(ROOT + '/')) file = file.slice(ROOT.length + 1);
  const p = inPackage(file);
  return p ? `${p.pkg}: ${p.inner}` : file;
};

const packageOf = (url) => {
  if (!url) return '(native / GC / idle)';
  const file = url.replace(/^file:\/\//, '');
  const p = inPackage(file);
  if (p) return p.pkg;
  if (file.includes('/dist/')) return 'project (src/ via dist/)';
  if (file.startsWith('node:')) return 'node core';
  return 'other';
};

const summarise = (file, top = 25) => {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const deltas = profile.timeDeltas || [];
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = (deltas[i] || 0) / 1000;
    total += dt;
    self.set(profile.samples[i], (self.get(profile.samples[i]) || 0) + dt);
  }
  const byFunction = new Map();
  const byPackage = new Map();
  let idle = 0;
  for (const [id, ms] of self) {
    const node = byId.get(id);
    const cf = node.callFrame;
    const name = cf.functionName || '(anonymous)';
    if (name === '(idle)') {
      idle += ms;
      continue;
    }
    const key = frame(cf);
    byFunction.set(key, (byFunction.get(key) || 0) + ms);
    const pkg = ['(garbage collector)', '(program)'].includes(name) ? name : packageOf(cf.url);
    byPackage.set(pkg, (byPackage.get(pkg) || 0) + ms);
  }
  // Each sample's time, charged to the nearest project function on its stack (src/ via dist/):
  // "what in src/ led to this time", whatever library or native code it was spent in.
  const parent = new Map();
  for (const n of profile.nodes) for (const child of n.children || []) parent.set(child, n.id);
  const isProject = (n) => n.callFrame.url && n.callFrame.url.includes('/dist/') && !n.callFrame.url.includes('node_modules');
  const attributed = new Map();
  for (const [id, t] of self) {
    const leaf = byId.get(id);
    if (leaf.callFrame.functionName === '(idle)') continue;
    let n = leaf;
    while (n && !isProject(n)) n = byId.get(parent.get(n.id));
    const key = n ? frame(n.callFrame) : '(no project frame on the stack)';
    attributed.set(key, (attributed.get(key) || 0) + t);
  }
  const busy = total - idle;
  const rows = (map) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([what, ms]) => ({ what, ms: Math.round(ms), pct: busy ? (100 * ms) / busy : 0 }));
  return {
    file,
    totalMs: Math.round(total),
    busyMs: Math.round(busy),
    idleMs: Math.round(idle),
    functions: rows(byFunction),
    packages: rows(byPackage),
    attributed: rows(attributed),
  };
};

module.exports = { summarise };

if (require.main === module) {
  const s = summarise(process.argv[2], Number(process.argv[3] || 30));
  console.log(`busy ${s.busyMs} ms of ${s.totalMs} ms`);
  for (const r of s.packages) console.log(`${r.pct.toFixed(1).padStart(5)}%  ${String(r.ms).padStart(6)} ms  ${r.what}`);
  console.log('');
  for (const r of s.attributed) console.log(`${r.pct.toFixed(1).padStart(5)}%  ${String(r.ms).padStart(6)} ms  ${r.what}`);
  console.log('');
  for (const r of s.functions) console.log(`${r.pct.toFixed(1).padStart(5)}%  ${String(r.ms).padStart(6)} ms  ${r.what}`);
}
