'use strict';
/**
 * Writes the report into a directory: RESULTS.md (with that directory's ANALYSIS.md appended, if
 * any) and, when the saturation scenario ran, latency.svg.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { markdown } = require('./report-markdown');
const { svg } = require('./report-svg');

const writeReport = (dir, results) => {
  const analysis = path.join(dir, 'ANALYSIS.md');
  const r =
    results.analysis === undefined && fs.existsSync(analysis) ? { ...results, analysis: fs.readFileSync(analysis, 'utf8') } : results;
  fs.writeFileSync(path.join(dir, 'RESULTS.md'), markdown(r));
  const projectSwept =
    r.saturation && Object.keys(r.saturation.logLevels ?? { project: 'warn' }).some((key) => (r.saturation[key] ?? []).length);
  if (projectSwept) fs.writeFileSync(path.join(dir, 'latency.svg'), svg(r));
  formatted([path.join(dir, 'RESULTS.md'), path.join(dir, 'results.json')]);
};

/** Formats written files as the project's lint expects them (prettier), so a run's report can be committed as it is. */
const formatted = (files) => {
  const existing = files.filter((file) => fs.existsSync(file));
  if (existing.length === 0) return;
  execFileSync(process.execPath, [require.resolve('prettier/bin/prettier.cjs'), '--log-level', 'warn', '--write', ...existing], {
    stdio: 'inherit',
  });
};

module.exports = { writeReport };
