// A second thread for large matrix products, for Node: a worker that instantiates the same
// WebAssembly kernels on the same shared memories (the GEMM's, and the resident matrices') and takes
// chunks of a product while this thread takes the others. They meet on a small shared control array
// (Atomics), so a product stays a synchronous call. Opt-in (`useTwoThreads()`): the command line and
// the benchmark turn it on.
import { createRequire } from "node:module";
import {
  type ProductJob,
  residentMemory,
  type SecondThread,
  sharedKernelBytes,
  useSecondThread,
  type VectorJob,
} from "../kernels/index.js";

// The control array: [0] the job's state (0 none, 1 posted, 2 taken by the worker), [1] its kind
// (0 GEMM, 1 A·x, 2 A'·x), [2..11] its operands, [12] finished, [13] the next chunk to claim.
const STATE = 0;
const FINISHED = 12;
const NEXT = 13;

// How long the worker stays awake after a job, in milliseconds: a product that follows soon (the next
// matrix-vector product of a compiled function, or its next call) then finds it awake. Waking a
// sleeping thread takes 10–30 µs here, longer than a whole 100×1000 matrix-vector product on two
// threads.
const AWAKE_MS = 0.25;

// The worker: wait for a job, take it (unless this thread has taken it back), run its chunks, report.
const WORKER = `
const { workerData } = require("node:worker_threads");
const { memory, plain, fused, control, arena, AWAKE_MS } = workerData;
const instance = (bytes, memory) =>
  new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports;
const kernels = [instance(plain, memory).gemm, fused === null ? null : instance(fused, memory).gemm];
const vector = arena === null ? null : instance(arena.code, arena.memory);
const ctl = new Int32Array(control);
for (;;) {
  const until = performance.now() + AWAKE_MS;
  for (let spin = 0; Atomics.load(ctl, ${STATE}) !== 1; spin++) {
    if ((spin & 255) === 255 && performance.now() > until) {
      Atomics.wait(ctl, ${STATE}, 0);
      spin = 0;
    }
  }
  if (Atomics.compareExchange(ctl, ${STATE}, 1, 2) !== 1) continue;
  const [kind, p1, p2, p3, p4, p5, p6, p7, p8, p9, p10] = ctl.subarray(1, ${FINISHED});
  if (kind === 0) {
    const [ap, bp, cp, m4, n4, k, chunk, upper, kc, withFma] = [p1, p2, p3, p4, p5, p6, p7, p8, p9, p10];
    const gemm = kernels[withFma] ?? kernels[0];
    for (let c = Atomics.add(ctl, ${NEXT}, 1); c * chunk < m4; c = Atomics.add(ctl, ${NEXT}, 1)) {
      const i0 = c * chunk;
      const i1 = Math.min(m4, i0 + chunk);
      for (let k0 = 0; k0 < k; k0 += kc) gemm(ap, bp, cp, m4, n4, k0, Math.min(kc, k - k0), i0, i1, upper);
    }
  } else {
    const [a, x, y, m, n, chunk] = [p1, p2, p3, p4, p5, p6];
    const lines = kind === 2 ? n : m;
    for (let c = Atomics.add(ctl, ${NEXT}, 1); c * chunk < lines; c = Atomics.add(ctl, ${NEXT}, 1)) {
      const first = c * chunk;
      const count = Math.min(chunk, lines - first);
      if (kind === 2) vector.gemvT(a + first * 8, x, y + first * 8, m, count, n);
      else vector.gemv(a + first * n * 8, x, y + first * 8, count, n);
    }
  }
  // Free for the next job before reporting this one finished: this thread posts the next job only
  // after it has seen the report.
  Atomics.store(ctl, ${STATE}, 0);
  Atomics.store(ctl, ${FINISHED}, 1);
  Atomics.notify(ctl, ${FINISHED});
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
  const control = new SharedArrayBuffer(14 * 4);
  const ctl = new Int32Array(control);
  const arena = residentMemory();
  // Loaded when the second thread is first started: a command that never needs it starts sooner.
  const { Worker } = createRequire(import.meta.url)(
    "node:worker_threads",
  ) as typeof import("node:worker_threads");
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: {
      memory,
      plain: sharedKernelBytes(false),
      fused: sharedKernelBytes(true),
      control,
      arena,
      AWAKE_MS,
    },
  });
  // The worker waits for work forever; it must not keep the process alive.
  worker.unref();
  const post = (job: readonly number[]): (() => void) => {
    ctl.set(job, 1);
    Atomics.store(ctl, NEXT, 0);
    Atomics.store(ctl, FINISHED, 0);
    Atomics.store(ctl, STATE, 1);
    Atomics.notify(ctl, STATE);
    return () => {
      // Not taken yet (the worker asleep or busy elsewhere): taken back, as this thread has done all.
      if (Atomics.compareExchange(ctl, STATE, 1, 0) === 1) return;
      // Taken: the worker is on its last chunk, or has finished.
      for (let spin = 0; Atomics.load(ctl, FINISHED) === 0; spin++)
        if (spin > 4096) Atomics.wait(ctl, FINISHED, 0, 1);
    };
  };
  thread = {
    memory,
    start: (job: ProductJob) =>
      post([0, job.ap, job.bp, job.cp, job.m4, job.n4, job.k, job.chunk, job.upper, job.kc, job.fused]),
    ...(arena === null
      ? {}
      : {
          startVector: (job: VectorJob) =>
            post([job.transposed + 1, job.a, job.x, job.y, job.m, job.n, job.chunk, 0, 0, 0, 0]),
        }),
    claim: () => Atomics.add(ctl, NEXT, 1),
  };
  useSecondThread(thread);
}
