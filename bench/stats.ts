/** Latency figures for the benchmarks: percentiles of measured durations, in milliseconds. */
export interface Latency {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export function latency(samplesMs: number[]): Latency {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { count: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? NaN };
}

export function ms(value: number): string {
  return `${value.toFixed(3)} ms`;
}

export function ratio(value: number, baseline: number): string {
  return `${(value / baseline).toFixed(1)}x`;
}

export interface Samples {
  /** From the call until its promise exists: for the embedded store, which works synchronously, the work itself. */
  service: number[];
  /** From the call until the caller resumes: the work plus waiting behind the other workers' calls. */
  latency: number[];
}

/** Runs `workers` loops at once, each timing `operation` `perWorker` times. */
export async function concurrently(workers: number, perWorker: number, operation: (worker: number, i: number) => Promise<unknown>): Promise<Samples> {
  const samples: Samples = { service: [], latency: [] };
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      for (let i = 0; i < perWorker; i += 1) {
        const start = process.hrtime.bigint();
        const pending = operation(worker, i);
        samples.service.push(Number(process.hrtime.bigint() - start) / 1e6);
        await pending;
        samples.latency.push(Number(process.hrtime.bigint() - start) / 1e6);
      }
    }),
  );
  return samples;
}
