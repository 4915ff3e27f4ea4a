// How many instances are busy, from the mean traffic. With Poisson arrivals at rate λ and mean
// duration d, the requests in flight at a random moment are Poisson with mean L = λ·d (M/G/∞,
// Little's law). An instance serving up to c requests at once is busy while it has one, so the
// busy instances are ceil(Q / c) for Q ~ Poisson(L), and billed busy time is
// SECONDS_PER_MONTH × E[ceil(Q / c)]. With c = 1 that is exactly requests × duration, the
// formula every pricing page uses; with c > 1 it does not pretend that sparse requests share
// an instance (Infracost's requests × duration / c does).

/** ln(n!) exactly for small n, by Stirling's series beyond (error < 1e-10 for n ≥ 20). */
function lnFactorial(n: number): number {
  if (n < 20) {
    let s = 0;
    for (let k = 2; k <= n; k++) s += Math.log(k);
    return s;
  }
  return n * Math.log(n) - n + 0.5 * Math.log(2 * Math.PI * n) + 1 / (12 * n) - 1 / (360 * n ** 3);
}

// Beyond this mean, E[f(Q)] is summed over a window of 12 standard deviations around the mean,
// which holds all but ~1e-30 of the mass; the sum stays exact enough and monotone in L.
const SIGMAS = 12;

/** E[f(Q)] for Q ~ Poisson(mean). */
export function expectPoisson(mean: number, f: (k: number) => number): number {
  if (!(mean > 0)) return f(0);
  const sd = Math.sqrt(mean);
  const lo = Math.max(0, Math.floor(mean - SIGMAS * sd - 10));
  const hi = Math.ceil(mean + SIGMAS * sd + 10);
  const mode = Math.floor(mean);
  const pMode = Math.exp(mode * Math.log(mean) - mean - lnFactorial(mode));
  let sum = pMode * f(mode);
  let p = pMode;
  for (let k = mode + 1; k <= hi; k++) {
    p *= mean / k;
    if (p === 0) break;
    sum += p * f(k);
  }
  p = pMode;
  for (let k = mode; k > lo; k--) {
    p *= k / mean;
    if (p === 0) break;
    sum += p * f(k - 1);
  }
  return sum;
}

/** E[ceil(Q / c)]: instances busy on average when each serves up to `c` requests at once. */
export function busyInstances(meanConcurrency: number, c: number): number {
  const per = Math.max(1, c);
  return expectPoisson(meanConcurrency, (k) => Math.ceil(k / per));
}

/** E[min(ceil(Q / c), warm)]: busy instances that are warm-pool ones (they are used first). */
export function busyWarmInstances(meanConcurrency: number, c: number, warm: number): number {
  if (warm <= 0) return 0;
  const per = Math.max(1, c);
  return expectPoisson(meanConcurrency, (k) => Math.min(Math.ceil(k / per), warm));
}

/** P(at least one request in flight) = 1 − e^(−L). */
export function probBusy(meanConcurrency: number): number {
  return 1 - Math.exp(-meanConcurrency);
}

/** Instances needed at peak: ceil(peakRps × duration / concurrency). */
export function instancesForRate(rps: number, durationSeconds: number, c: number): number {
  return Math.max(0, Math.ceil((rps * durationSeconds) / Math.max(1, c) - 1e-9));
}
