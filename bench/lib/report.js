'use strict';
/**
 * Writes the report into a directory: RESULTS.md (with that directory's ANALYSIS.md appended, if
 * any) and, when the saturation scenario ran, latency.svg.
 */
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
};

module.exports = { writeReport };
