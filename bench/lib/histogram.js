'use strict';
/**
 * A latency histogram with 1 % relative precision (log buckets over microseconds), cheap to record
 * into and to merge across worker processes. Percentiles are reported as the bucket's upper bound,
 * so they may read up to 1 % high; the maximum is exact.
 */
const GROWTH = 1.01;
const LOG_GROWTH = Math.log(GROWTH);
const BUCKETS = 2200; // 1.01^2200 µs ≈ 3.2e9 µs: ample

class Histogram {
  constructor() {
    this.counts = new Array(BUCKETS).fill(0);
    this.n = 0;
    this.max = 0;
    this.sum = 0;
  }

  /** Records one latency in milliseconds. */
  record(ms) {
    const us = ms * 1000;
    const i = us <= 1 ? 0 : Math.min(BUCKETS - 1, Math.ceil(Math.log(us) / LOG_GROWTH));
    this.counts[i]++;
    this.n++;
    this.sum += ms;
    if (ms > this.max) this.max = ms;
  }

  merge(other) {
    const counts = other.counts;
    for (let i = 0; i < BUCKETS; i++) this.counts[i] += counts[i];
    this.n += other.n;
    this.sum += other.sum;
    if (other.max > this.max) this.max = other.max;
    return this;
  }

  /** The p-th percentile (0–100) in milliseconds; NaN when empty. */
  percentile(p) {
    if (this.n === 0) return Number.NaN;
    const rank = Math.ceil((p / 100) * this.n);
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i];
      if (seen >= rank) return Math.min(this.max, GROWTH ** i / 1000);
    }
    return this.max;
  }

  summary() {
    return {
      n: this.n,
      mean: this.n ? this.sum / this.n : Number.NaN,
      p50: this.percentile(50),
      p95: this.percentile(95),
      p99: this.percentile(99),
      max: this.n ? this.max : Number.NaN,
    };
  }

  toJSON() {
    return { counts: this.counts, n: this.n, max: this.max, sum: this.sum };
  }

  static from(json) {
    const h = new Histogram();
    h.counts = json.counts.slice();
    h.n = json.n;
    h.max = json.max;
    h.sum = json.sum;
    return h;
  }
}

module.exports = { Histogram };
