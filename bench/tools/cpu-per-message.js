'use strict';
/**
 * Server CPU per accepted message under a fixed, moderate load (not a saturation sweep): the steadiest
 * figure on a shared machine, for judging one change to the hot path at a time.
 *
 *   node bench/tools/cpu-per-message.js [ratePerSender=100] [seconds=5] [LOG_LEVEL=warn] [runs=3]
 *
 * Prints, for the baseline relay and the project (built dist/), the server's CPU in µs per accepted
 * message (fanned out to the room's 25 members) and per delivery, min / median over the runs.
 * With CPU_PROFILE=<dir>, the project's runs write CPU profiles there (summarise one with
 * `node bench/lib/profile.js <file>`).
 */
const { parseOptions } = require('../lib/options');
const { withLoad, measuredStep } = require('../lib/message-load');
const fs = require('node:fs');
const { cpuMs } = require('../lib/common');

/** CPU ms of each of a process's threads, by thread name (threads of one name summed). */
const threadsMs = (pid) => {
  const byName = {};
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      const name = fs.readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      const key = Number(tid) === pid ? 'main' : `${name}#${tid}`;
      byName[key] = (byName[key] ?? 0) + cpuMs(`${pid}/task/${tid}`);
    } catch {
      // A thread that ended meanwhile.
    }
  }
  return byName;
};

const [rate = 100, seconds = 5, logLevel = 'warn', runs = 3] = process.argv.slice(2);
const { config } = parseOptions([]);

const measure = async (kind) => {
  const figures = [];
  for (let run = 0; run < Number(runs); run++) {
    const env = kind === 'project' ? { LOG_LEVEL: logLevel, ...JSON.parse(process.env.PROJECT_ENV || '{}') } : {};
    const profile = kind === 'project' && process.env.CPU_PROFILE;
    const nodeArgs = profile ? ['--cpu-prof', `--cpu-prof-dir=${process.env.CPU_PROFILE}`] : [];
    let mainMs = 0;
    let threads = {};
    const step = await withLoad(
      kind,
      config,
      async (server, workers) => {
        // The main thread alone (its task id is the process id): what limits the server's saturation.
        const main = `${server.proc.pid}/task/${server.proc.pid}`;
        const before = cpuMs(main);
        const threadsBefore = threadsMs(server.proc.pid);
        const measured = await measuredStep(server, workers, config, Number(rate), Number(seconds) * 1000);
        mainMs = cpuMs(main) - before;
        const threadsAfter = threadsMs(server.proc.pid);
        threads = Object.fromEntries(Object.entries(threadsAfter).map(([name, ms]) => [name, ms - (threadsBefore[name] ?? 0)]));
        return measured;
      },
      { env, nodeArgs },
    );
    const messages = step.delivered / config.topology.usersPerRoom;
    if (process.env.THREADS) {
      const perMessage = Object.entries(threads)
        .filter(([, ms]) => ms > 0)
        // CPU over the step and its drain, per message of one second's worth, as the main figure.
        .map(([name, ms]) => `${name} ${(((ms / (Number(seconds) * 1000 + config.drainMs)) * 1e6) / messages).toFixed(0)}`);
      console.log(`  ${kind} run ${run + 1}, µs per message by thread: ${perMessage.join(', ')}`);
    }
    figures.push({
      mainUs: ((mainMs / (Number(seconds) * 1000 + config.drainMs)) * 1e6) / messages,
      perMessageUs: (step.serverCores * 1e6) / messages,
      perDeliveryUs: (step.serverCores * 1e6) / step.delivered,
      p99: step.latency.p99,
    });
  }
  const sorted = (key) => figures.map((f) => f[key]).sort((a, b) => a - b);
  const median = (xs) => xs[Math.floor(xs.length / 2)];
  const us = sorted('perMessageUs');
  console.log(
    `${kind}${kind === 'project' ? ` (LOG_LEVEL=${logLevel})` : ''}: ${us[0].toFixed(1)} / ${median(us).toFixed(1)} µs of server CPU per message (main thread ${median(sorted('mainUs')).toFixed(1)} µs), ` +
      `${median(sorted('perDeliveryUs')).toFixed(2)} µs per delivery, p99 ${median(sorted('p99')).toFixed(1)} ms`,
  );
};

(async () => {
  await measure('baseline');
  await measure('project');
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
