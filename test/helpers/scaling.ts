/**
 * Linear-scaling checks without timed assertions on a noisy, shared machine: the same work is timed at
 * size n and size 8n in the same run, each as the best of several batches (a neighbour's burst can only
 * make a batch slower, so the minimum is the honest cost), and the test compares the two. Linear work
 * gives a ratio near 8, quadratic near 64; callers assert well under 30.
 */
export function bestTimeMs(work: () => void, batches = 5): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < batches; i++) {
    const start = performance.now();
    work();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

/**
 * Ratio of the cost at `factor * n` to the cost at `n`; `work(size)` must do the whole job for that size.
 * Measured up to three times, keeping the smallest: a garbage collection or a neighbour's burst during the
 * large batches can only inflate a ratio, while quadratic work stays near factor² however often it is
 * measured. Stops early once a measurement is clearly linear (under 1.5 × factor).
 */
export function scalingRatio(work: (size: number) => void, n: number, factor = 8): number {
  // One untimed run of each size first, so JIT warm-up is not billed to the small size.
  work(n);
  work(n * factor);
  let best = Number.POSITIVE_INFINITY;
  for (let attempt = 0; attempt < 3 && best >= 1.5 * factor; attempt++) {
    const small = bestTimeMs(() => work(n));
    const large = bestTimeMs(() => work(n * factor));
    // Floor the small cost: below timer resolution the ratio would mean nothing.
    best = Math.min(best, large / Math.max(small, 0.5));
  }
  return best;
}

/** Runs `fn`, returning what it threw (or undefined); for work that is expected to fail. */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}
