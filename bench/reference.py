"""Closed-form NumPy references for `npm run bench`: the same functions at the same sizes, timed as
medians.

Batch: python3 bench/reference.py '{"sizes": [100, 300, 1000], "budget": 0.3}' prints one JSON object
{"numpy": version, "results": {name: {n: {"ms": median, "checksum": sum of the result}}}}.

Serve: python3 bench/reference.py --serve prints {"numpy": version} and then answers each line
{"name": ..., "n": ..., "budget": ...} read from stdin with one line {"ms": ..., "checksum": ...}, so
the benchmark can time the reference of a case right next to its own runs."""
import json
import sys
import time

import numpy as np


def median_ms(f, budget):
    f()
    times = []
    start = time.perf_counter()
    while len(times) < 5 or (time.perf_counter() - start < budget and len(times) < 5000):
        t = time.perf_counter()
        f()
        times.append((time.perf_counter() - t) * 1000)
    return float(np.median(times))


def sigmoid(z):
    return np.exp(-np.logaddexp(0.0, -z))


def cases(n, rng):
    A = rng.uniform(-1, 1, (n, n))
    x = rng.uniform(-1, 1, n)
    L = rng.uniform(-1, 1, (2 * n, n))
    bl = rng.uniform(-1, 1, 2 * n)
    y = np.where(rng.uniform(-1, 1, 2 * n) > 0, 1.0, -1.0)
    k = 10
    T = rng.uniform(-1, 1, (n, n))
    U = rng.uniform(-1, 1, (n, k))
    V = rng.uniform(-1, 1, (n, k))
    Xn = rng.uniform(-1, 1, (n, 10 * n))
    yn = rng.uniform(0, 1, 10 * n)
    wn = rng.uniform(-1, 1, n)
    bn = 0.1
    Xd = rng.uniform(-1, 1, (n, n)) + n * np.eye(n)

    C = np.empty((n, n))

    def neuron():
        z = Xn.T @ wn + bn
        return (2 / (10 * n)) * (Xn @ ((z > 0) * (z - yn)))

    def logistic_hessian():
        s = sigmoid(-y * (L @ x))
        return L.T @ ((s * (1 - s))[:, None] * L)

    return {
        "grad x'Ax": lambda: A @ x + A.T @ x,
        "grad least squares": lambda: 2 * L.T @ (L @ x - bl),
        "grad logistic loss": lambda: -L.T @ (y * sigmoid(-y * (L @ x))),
        "grad |T-UV'|^2 by U": lambda: -2 * (T - U @ V.T) @ V,
        "grad neuron MSE": neuron,
        "grad logdet(X)": lambda: np.linalg.inv(Xd).T,
        "Hessian x'Ax": lambda: A + A.T,
        "Hessian |T-UV'|^2 by U": lambda: 2 * np.kron(np.eye(n), V.T @ V),
        "Hessian least squares": lambda: 2 * L.T @ L,
        "Hessian logistic loss": logistic_hessian,
        # The matrix product alone, written into a preallocated result as the benchmark's GEMM is.
        "GEMM": lambda: np.matmul(A, T, out=C),
    }


def main():
    options = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
    sizes = options.get("sizes", [100, 300, 1000])
    budget = options.get("budget", 0.3)
    skip = options.get("skip", {})
    out = {}
    for n in sizes:
        rng = np.random.default_rng(n)
        for name, f in cases(n, rng).items():
            if n in skip.get(name, []):
                continue
            out.setdefault(name, {})[str(n)] = {"ms": median_ms(f, budget), "checksum": float(np.sum(f()))}
            print(f"numpy {name} n={n}", file=sys.stderr, flush=True)
    print(json.dumps({"numpy": np.__version__, "results": out}))


def serve():
    print(json.dumps({"numpy": np.__version__}), flush=True)
    by_size = {}
    for line in sys.stdin:
        if not line.strip():
            continue
        ask = json.loads(line)
        n = int(ask["n"])
        if n not in by_size:
            by_size[n] = cases(n, np.random.default_rng(n))
        f = by_size[n].get(ask["name"])
        if f is None:
            print(json.dumps({"ms": None, "checksum": None}), flush=True)
            continue
        ms = median_ms(f, float(ask.get("budget", 0.3)))
        print(json.dumps({"ms": ms, "checksum": float(np.sum(f()))}), flush=True)


if __name__ == "__main__":
    if sys.argv[1:] == ["--serve"]:
        serve()
    else:
        main()
