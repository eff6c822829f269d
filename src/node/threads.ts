// A second thread for large matrix products, for Node: a worker that instantiates the same
// WebAssembly kernel on a shared memory and computes its band of rows of a product while this thread
// computes the other. They meet on a small shared control array (Atomics.wait and notify), so a product
// stays a synchronous call. Opt-in (`useTwoThreads()`): the command line and the benchmark turn it on.
import { Worker } from "node:worker_threads";
import { type ProductJob, type SecondThread, sharedKernelBytes, useSecondThread } from "../tensor/index.js";

// The worker: wait for a job, run the kernel over every depth range of its rows, report, repeat.
const WORKER = `
const { workerData } = require("node:worker_threads");
const { memory, plain, fused, control } = workerData;
const kernel = (bytes) => new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports.gemm;
const kernels = [kernel(plain), fused === null ? null : kernel(fused)];
const ctl = new Int32Array(control);
for (;;) {
  Atomics.wait(ctl, 0, 0);
  const [ap, bp, cp, m4, n4, k, chunk, upper, kc, withFma] = ctl.subarray(1, 11);
  const gemm = kernels[withFma] ?? kernels[0];
  for (let c = Atomics.add(ctl, 13, 1); c * chunk < m4; c = Atomics.add(ctl, 13, 1)) {
    const i0 = c * chunk;
    const i1 = Math.min(m4, i0 + chunk);
    for (let k0 = 0; k0 < k; k0 += kc) gemm(ap, bp, cp, m4, n4, k, k0, Math.min(kc, k - k0), i0, i1, upper);
  }
  Atomics.store(ctl, 0, 0);
  Atomics.store(ctl, 12, 1);
  Atomics.notify(ctl, 12);
}
`;

let thread: SecondThread | null = null;

/** Splits large products between this thread and a worker (started once, reused on later calls). */
export function useTwoThreads(): void {
  if (thread) {
    useSecondThread(thread);
    return;
  }
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 32768, shared: true });
  // [0] work posted, [1..10] the job, [12] finished, [13] the next chunk to claim.
  const control = new SharedArrayBuffer(14 * 4);
  const ctl = new Int32Array(control);
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: { memory, plain: sharedKernelBytes(false), fused: sharedKernelBytes(true), control },
  });
  // The worker waits for work forever; it must not keep the process alive.
  worker.unref();
  thread = {
    memory,
    start(job: ProductJob) {
      ctl.set([job.ap, job.bp, job.cp, job.m4, job.n4, job.k, job.chunk, job.upper, job.kc, job.fused], 1);
      Atomics.store(ctl, 13, 0);
      Atomics.store(ctl, 12, 0);
      Atomics.store(ctl, 0, 1);
      Atomics.notify(ctl, 0);
      return () => {
        while (Atomics.load(ctl, 12) === 0) Atomics.wait(ctl, 12, 0, 1000);
      };
    },
    claim: () => Atomics.add(ctl, 13, 1),
  };
  useSecondThread(thread);
}
