'use strict';
/**
 * Scenario 1b: the original application (bench/flask-seed/app.py, Flask-SocketIO under gunicorn
 * with one eventlet worker), swept like scenario 1 with its own, far lower ladder. It speaks the
 * same protocol but acknowledges nothing: the load workers join and send without acks and count
 * deliveries at the receivers, as for the other servers. Skipped, with the reason in the results,
 * when no Python here imports flask_socketio, eventlet and gunicorn.
 */
const { spawnSync } = require('node:child_process');
const c = require('./common');
const { subject } = require('./message-load');
const { sweep } = require('./scenario-saturation');

const MODULES = ['flask_socketio', 'eventlet', 'gunicorn'];
// Distribution names, for the versions in the report.
const DISTRIBUTIONS = ['Flask', 'Flask-SocketIO', 'python-socketio', 'python-engineio', 'eventlet', 'gunicorn'];

/**
 * The first Python (BENCH_PYTHON, python3, /usr/bin/python3: Debian's packages install for the
 * latter, which a python3 of pyenv or a virtualenv does not see) that imports every module:
 * {python, version, packages} or {python: null, tried}.
 */
const findPython = (preferred) => {
  const candidates = [...new Set([preferred, 'python3', '/usr/bin/python3'].filter(Boolean))];
  const tried = [];
  for (const python of candidates) {
    const script = [
      `import importlib.metadata as m, sys, json`,
      `import ${MODULES.join(', ')}`,
      `v = {}`,
      `for d in ${JSON.stringify(DISTRIBUTIONS)}:`,
      `    try: v[d] = m.version(d)`,
      `    except Exception: v[d] = 'n/a'`,
      `print(json.dumps({'python': sys.version.split()[0], 'packages': v}))`,
    ].join('\n');
    const r = spawnSync(python, ['-c', script], { encoding: 'utf8', timeout: 20_000 });
    if (r.status === 0) {
      const info = JSON.parse(r.stdout.trim().split('\n').pop());
      return { python, version: info.python, packages: info.packages };
    }
    const why = r.error ? r.error.code : (r.stderr || '').trim().split('\n').pop();
    tried.push(`${python}: ${why || `exit ${r.status}`}`);
  }
  return { python: null, tried };
};

const scenarioSeed = async ({ config, runs }) => {
  const found = findPython(config.seed.python);
  if (!found.python) {
    const skipped = `no Python with ${MODULES.join(', ')} (tried ${found.tried.join('; ')}); on Debian: apt-get install python3-flask-socketio python3-eventlet gunicorn`;
    c.log(`seed: skipped: ${skipped}`);
    return { skipped, ladder: config.seed.ladder, runs: [] };
  }
  c.log(`seed: the original Flask-SocketIO app with ${found.python} (Python ${found.version}), gunicorn -k eventlet -w 1`);
  const s = subject('seed', config, { python: found.python });
  const out = { python: found.python, pythonVersion: found.version, packages: found.packages, ladder: s.ladder, runs: [] };
  for (let run = 1; run <= runs; run++) {
    c.log(`seed: the original app, run ${run}/${runs}`);
    try {
      out.runs.push(await sweep(config, s, run));
    } catch (error) {
      // A server of another stack that breaks here is reported, not the end of the whole bench.
      out.failed = `run ${run}: ${error.message.split('\n')[0]}`;
      c.log(`seed: failed: ${out.failed}`);
      break;
    }
  }
  return out;
};

module.exports = { scenarioSeed, findPython };
