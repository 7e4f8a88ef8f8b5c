'use strict';
/**
 * Scenario 1c: two-node fan-out. Two project servers (`dist/main.js`) on one fresh PostgreSQL
 * database (EVENT_STORE; created for the run, dropped after) and Redis (REDIS_URL: the Socket.IO
 * Redis adapter; a CLUSTER_NAME of its own, its keys deleted after). The topology of scenario 1,
 * with every sender connected to node A and the receivers dealt over A and B in turn, so that a
 * message appended on A reaches half its room through Redis and B. The saturation sweep of
 * scenario 1 on that (its ladder starts lower: config.cluster.ladder); the server CPU is the sum
 * of both nodes. Skipped, with the reason in the
 * results, when PostgreSQL or Redis does not answer.
 */
const c = require('./common');
const { connectTopology, roomNames, runStep } = require('./load');
const { measuredStep, fmtStep } = require('./message-load');
const { walkLadder } = require('./scenario-saturation');
const { pgReachable, maskUrl } = require('./scenario-store');

/** PING through ioredis (a dependency of the project): true when Redis answers within 2 s. */
const redisReachable = async (url) => {
  const { Redis } = require('ioredis');
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => {});
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
};

/** Deletes the keys a cluster named `name` left in Redis (heartbeats, connections, rate buckets). */
const dropRedisKeys = async (url, name) => {
  const { Redis } = require('ioredis');
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 1, retryStrategy: () => null });
  redis.on('error', () => {});
  let dropped = 0;
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${name}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) dropped += await redis.del(...keys);
    } while (cursor !== '0');
  } catch (error) {
    c.log(`cluster: could not delete the Redis keys ${name}*: ${error.message}`);
  } finally {
    redis.disconnect();
  }
  return dropped;
};

/** The URL of database `db` on the server of `url`. */
const databaseUrl = (url, db) => {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
};

/** Runs `sql` on the database of `url` (the harness's own connection, not the servers'). */
const adminQuery = async (url, sql) => {
  const { Client } = require('pg');
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
};

/**
 * Transactions open for more than `seconds` anywhere on the PostgreSQL server of `url`: a node's
 * readers wait for them (README, "Scaling out"), so joins and deliveries stall while one is open.
 */
const longTransactions = async (url, seconds = 5) => {
  try {
    const { rows } = await adminQuery(
      url,
      `SELECT pid, datname, state, round(extract(epoch FROM now() - xact_start))::int AS s FROM pg_stat_activity
        WHERE xact_start < now() - interval '${seconds} seconds' AND pid <> pg_backend_pid() ORDER BY xact_start`,
    );
    return rows.map((x) => `pid ${x.pid} on ${x.datname} ${x.state} for ${x.s} s`);
  } catch {
    return [];
  }
};

/** One sweep on two fresh nodes over a fresh database. */
const clusterSweep = async (config, run) => {
  const { pgUrl, redisUrl, logLevel, nodes: nNodes } = config.cluster;
  const suffix = c.uniqueSuffix();
  const db = `bench_cluster_${suffix}`;
  const clusterName = `bench-${suffix}`;
  const eventStore = databaseUrl(pgUrl, db);
  const names = roomNames(config.topology.rooms);
  await adminQuery(pgUrl, `CREATE DATABASE ${db}`);
  const nodes = [];
  let workers = [];
  try {
    // One after the other: the first creates the schema (safe at once too, but this keeps start-up out of the way).
    for (let i = 0; i < nNodes; i++) {
      const label = String.fromCharCode(65 + i);
      nodes.push(
        await c.startServer('project', {
          rooms: names,
          logName: `cluster-${run}-node-${label}`,
          env: {
            EVENT_STORE: eventStore,
            // config.ts reads EVENT_STORE; DATABASE_URL is set to the same for a configuration that reads it.
            DATABASE_URL: eventStore,
            REDIS_URL: redisUrl,
            CLUSTER_NAME: clusterName,
            NODE_ID: `${clusterName}-${label}`,
            LOG_LEVEL: logLevel,
          },
        }),
      );
    }
    const [a] = nodes;
    workers = await c.startWorkers(config.workers);
    const topo = await connectTopology(workers, a.url, config.topology, { names, receiverUrls: nodes.map((n) => n.url) });
    if (topo.failed > 0) throw new Error(`cluster: ${topo.failed} sockets failed to connect/join: ${JSON.stringify(topo.errors)}`);
    const socketsPerNode = nodes.map((n) => topo.perWorker.flat().filter((spec) => (spec.url ?? a.url) === n.url).length);
    c.log(`cluster run ${run}: sockets per node ${socketsPerNode.join(' / ')} (every sender on A)`);
    // The nodes together, as measuredStep sees a server; each node's share of the CPU beside it.
    const both = {
      cpuMs: () => nodes.reduce((sum, n) => sum + n.cpuMs(), 0),
      assertAlive: () => nodes.forEach((n) => n.assertAlive()),
    };
    // Warm-up (JIT, buffers, caches, connection pools): not measured.
    await runStep(workers, config.topology, { ratePerSender: config.cluster.ladder[0], durationMs: 1000, drainMs: 300 });
    const step = async (rate) => {
      const before = nodes.map((n) => n.cpuMs());
      const st = await measuredStep(both, workers, config, rate, config.stepMs);
      st.nodeCores = nodes.map((n, i) => (n.cpuMs() - before[i]) / (config.stepMs + config.drainMs));
      return st;
    };
    const swept = await walkLadder(
      config.cluster.ladder,
      step,
      (st, note) =>
        c.log(
          `  cluster run ${run}: ${fmtStep(st)} (${st.nodeCores.map((x, i) => `${String.fromCharCode(65 + i)} ${x.toFixed(2)}`).join(', ')} cores)${note}`,
        ),
      config.refineSteps,
    );
    return { run, socketsPerNode, ...swept };
  } finally {
    await Promise.all(workers.map((w) => w.close()));
    await Promise.all(nodes.map((n) => n.stop()));
    try {
      await adminQuery(pgUrl, `DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    } catch (error) {
      c.log(`cluster: could not drop database ${db}: ${error.message}`);
    }
    await dropRedisKeys(redisUrl, clusterName);
  }
};

const scenarioCluster = async ({ config, runs }) => {
  const { pgUrl, redisUrl, logLevel, nodes } = config.cluster;
  const out = { pgUrl: maskUrl(pgUrl), redisUrl: maskUrl(redisUrl), logLevel, nodes, runs: [] };
  const missing = [];
  if (!pgReachable(pgUrl)) missing.push(`PostgreSQL at ${maskUrl(pgUrl)} (BENCH_PG_URL)`);
  if (!(await redisReachable(redisUrl))) missing.push(`Redis at ${maskUrl(redisUrl)} (BENCH_REDIS_URL)`);
  if (missing.length) {
    out.skipped = `${missing.join(' and ')} did not answer`;
    c.log(`cluster: skipped: ${out.skipped}`);
    return out;
  }
  for (let run = 1; run <= runs; run++) {
    // A transaction left open on the shared server would stall the nodes: give it a minute to end.
    for (const t0 = c.now(); ; await c.sleep(2000)) {
      const open = await longTransactions(pgUrl);
      if (!open.length) break;
      if (c.now() - t0 > 60_000) {
        c.log(`cluster: transactions still open on the PostgreSQL server after a minute, run anyway: ${open.join('; ')}`);
        break;
      }
      if (c.now() - t0 < 1000) c.log(`cluster: waiting up to a minute for transactions open on the PostgreSQL server: ${open.join('; ')}`);
    }
    c.log(`cluster: ${nodes} nodes, run ${run}/${runs}`);
    try {
      out.runs.push(await clusterSweep(config, run));
    } catch (error) {
      // PostgreSQL and Redis are shared services: a failure here is reported, not the end of the whole bench.
      const open = await longTransactions(pgUrl);
      out.failed = `run ${run}: ${error.message.split('\n')[0]}${open.length ? ` (transactions open on the PostgreSQL server then: ${open.join('; ')})` : ''}`;
      c.log(`cluster: failed: ${out.failed}`);
      break;
    }
  }
  return out;
};

module.exports = { scenarioCluster };
