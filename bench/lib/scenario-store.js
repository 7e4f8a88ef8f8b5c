'use strict';
/**
 * Scenario 4: the event store alone. Runs bench/store-bench.js for SQLite and, when it answers,
 * PostgreSQL (BENCH_PG_URL), once per run each.
 */
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const c = require('./common');

const pgReachable = (url) => {
  const r = spawnSync(
    process.execPath,
    [
      '-e',
      `const {Client}=require('pg');const c=new Client({connectionString:process.argv[1],connectionTimeoutMillis:2000});c.connect().then(()=>c.end()).then(()=>process.exit(0),()=>process.exit(1))`,
      url,
    ],
    { cwd: c.ROOT, timeout: 5000 },
  );
  return r.status === 0;
};

/** A URL with its password hidden, for the logs and the report. */
const maskUrl = (url) => url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');

const scenarioStore = async ({ config, runs }) => {
  const { durationMs, concurrency, pgUrl } = config.store;
  const kinds = ['sqlite'];
  const pg = pgReachable(pgUrl);
  if (pg) kinds.push('postgres');
  else c.log(`store: PostgreSQL not reachable at ${pgUrl}; skipped`);
  const out = { durationMs, concurrency, pgUrl: pg ? maskUrl(pgUrl) : null, sqlite: [], postgres: [] };
  for (let run = 1; run <= runs; run++) {
    for (const kind of kinds) {
      await c.waitQuiet(`store ${kind} run ${run}`);
      const r = spawnSync(process.execPath, [path.join(c.BENCH, 'store-bench.js'), kind, String(durationMs), String(concurrency), pgUrl], {
        cwd: c.ROOT,
        encoding: 'utf8',
        timeout: 120_000,
      });
      if (r.status !== 0) throw new Error(`store bench ${kind} failed: ${r.stderr}`);
      const m = JSON.parse(r.stdout.trim().split('\n').pop());
      c.log(`store: ${kind} run ${run}: single ${m.single.toFixed(0)}/s, ${concurrency} concurrent ${m.concurrent.toFixed(0)}/s`);
      out[kind].push(m);
    }
  }
  return out;
};

module.exports = { scenarioStore, pgReachable, maskUrl };
