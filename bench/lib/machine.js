'use strict';
/** What the figures were measured on: CPU, memory, kernel, Node and library versions, the commit. */
const { execFileSync } = require('node:child_process');
const os = require('node:os');
const path = require('node:path');
const { ROOT } = require('./common');

const version = (pkg) => {
  try {
    return require(path.join(ROOT, 'node_modules', pkg, 'package.json')).version;
  } catch {
    return 'n/a';
  }
};

const git = (...args) => {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'n/a';
  }
};

const machine = () => {
  const cpu = os.cpus();
  const dirty = git('status', '--porcelain', '--', 'src');
  return {
    cpu: cpu[0] ? cpu[0].model.trim() : 'unknown',
    cores: cpu.length,
    ramGb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    loadavg: os.loadavg().map((x) => Math.round(x * 100) / 100),
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    socketIo: version('socket.io'),
    socketIoClient: version('socket.io-client'),
    betterSqlite3: version('better-sqlite3'),
    pg: version('pg'),
    nest: version('@nestjs/core'),
    commit: git('rev-parse', '--short', 'HEAD'),
    srcDirty: dirty !== '' && dirty !== 'n/a',
  };
};

module.exports = { machine };
