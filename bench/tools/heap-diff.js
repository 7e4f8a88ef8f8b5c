'use strict';
/**
 * Difference between two V8 heap snapshots, by constructor (self sizes), divided by `per`:
 *
 *   node bench/tools/heap-diff.js before.heapsnapshot after.heapsnapshot [per=1] [rows=30]
 */
const fs = require('node:fs');

const load = (file) => {
  const s = JSON.parse(fs.readFileSync(file, 'utf8'));
  const fields = s.snapshot.meta.node_fields;
  const width = fields.length;
  const iType = fields.indexOf('type');
  const iName = fields.indexOf('name');
  const iSize = fields.indexOf('self_size');
  const types = s.snapshot.meta.node_types[0];
  const byName = new Map();
  for (let i = 0; i < s.nodes.length; i += width) {
    const type = types[s.nodes[i + iType]];
    const name =
      type === 'object' ? s.strings[s.nodes[i + iName]] : type === 'closure' ? `closure ${s.strings[s.nodes[i + iName]]}` : `(${type})`;
    const e = byName.get(name) || { n: 0, size: 0 };
    e.n++;
    e.size += s.nodes[i + iSize];
    byName.set(name, e);
  }
  return byName;
};

const [before, after] = [load(process.argv[2]), load(process.argv[3])];
const per = Number(process.argv[4] || 1);
const rows = [];
for (const [name, e] of after) {
  const o = before.get(name) || { n: 0, size: 0 };
  rows.push([name, e.n - o.n, e.size - o.size]);
}
rows.sort((a, b) => b[2] - a[2]);
const total = rows.reduce((a, r) => a + r[2], 0);
console.log(`heap grew ${(total / 2 ** 20).toFixed(1)} MB: ${(total / per / 1024).toFixed(1)} kB per unit (${per})`);
for (const [name, count, size] of rows.slice(0, Number(process.argv[5] || 30))) {
  console.log(
    `${String(Math.round(size / per)).padStart(7)} B/unit ${(count / per).toFixed(1).padStart(7)} objects/unit  ${name.slice(0, 80)}`,
  );
}
