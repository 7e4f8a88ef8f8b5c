'use strict';
/**
 * Preloaded into a spawned server (NODE_OPTIONS=--require=…): when its main thread exits, it writes
 * the npm packages it loaded with `require`, one name a line, to the file named by
 * LOADED_PACKAGES_FILE.
 */
const { writeFileSync } = require('node:fs');
const { isMainThread } = require('node:worker_threads');

if (isMainThread) {
  process.on('exit', () => {
    const names = new Set();
    for (const file of Object.keys(require.cache)) {
      const match = /.*\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file);
      if (match !== null) names.add(match[1]);
    }
    writeFileSync(process.env.LOADED_PACKAGES_FILE, [...names].sort().join('\n'));
  });
}
