"""References for `npm run bench`: closed-form NumPy, and PyTorch's autograd where torch is installed,
for the same functions at the same sizes, timed as medians. The thread count is the caller's: it sets
OMP_NUM_THREADS and OPENBLAS_NUM_THREADS before this starts (NumPy's OpenBLAS reads them once), and
PyTorch is set to the same count.

Serve: python3 bench/reference.py --serve prints {"numpy": version, "torch": version or null,
"threads": n} and then answers each line {"name": ..., "n": ..., "budget": ..., "peer": ...} read from
stdin with one line {"ms": ..., "checksum": ..., "note": ...}, so the benchmark can time the reference
of a case right next to its own runs. peer is "numpy" (the closed form), "torch" (autograd's gradient,
forward and backward, float64), "torch-hessian" (torch.autograd.functional.hessian, one backward pass
per row; past a second its time is estimated from the rows that fit, and the note says so) or
"torch-hessian-vectorized" (the same with vectorize=True). A case a peer does not have gives ms null.
"""
import json
import os
import sys
import time

import numpy as np

THREADS = int(os.environ.get("OPENBLAS_NUM_THREADS", "1"))

try:
    import torch

    torch.set_num_threads(THREADS)
    torch.set_default_dtype(torch.float64)
except ImportError:  # the row says PyTorch is absent
    torch = None


def median_ms(f, budget, least=5):
    f()
    times = []
    start = time.perf_counter()
    while len(times) < least or (time.perf_counter() - start < budget and len(times) < 5000):
        t = time.perf_counter()
        f()
        times.append((time.perf_counter() - t) * 1000)
    return float(np.median(times))


def sigmoid(z):
    return np.exp(-np.logaddexp(0.0, -z))


def data(n, rng):
    """The values of every case at size n (the fixed-size cases ignore n)."""
    d = {
        "A": rng.uniform(-1, 1, (n, n)),
        "x": rng.uniform(-1, 1, n),
        "L": rng.uniform(-1, 1, (2 * n, n)),
        "bl": rng.uniform(-1, 1, 2 * n),
        "y": np.where(rng.uniform(-1, 1, 2 * n) > 0, 1.0, -1.0),
        "T": rng.uniform(-1, 1, (n, n)),
        "U": rng.uniform(-1, 1, (n, 10)),
        "V": rng.uniform(-1, 1, (n, 10)),
        "Xn": rng.uniform(-1, 1, (n, 10 * n)),
        "yn": rng.uniform(0, 1, 10 * n),
        "wn": rng.uniform(-1, 1, n),
        "Xd": rng.uniform(-1, 1, (n, n)) + n * np.eye(n),
        "a": rng.uniform(-1, 1, n),
        "b": rng.uniform(-1, 1, n),
        "Xp": rng.uniform(-1, 1, (n, n)) / np.sqrt(n),
    }
    # Batched softmax cross-entropy: W 10×784, a batch of 256 one-hot labels.
    d["W"] = rng.uniform(-0.05, 0.05, (10, 784))
    d["Xb"] = rng.uniform(0, 1, (784, 256))
    d["Yb"] = np.eye(10)[rng.integers(0, 10, 256)].T.copy()
    # An attention head: sequence 128, width 64.
    for name in ["Q", "K", "Vh", "G"]:
        d[name] = rng.uniform(-1, 1, (128, 64))
    # A Kronecker problem: kron(A, B) of 30×30 factors (900×900).
    d["Ak"] = rng.uniform(-1, 1, (30, 30))
    d["Bk"] = rng.uniform(-1, 1, (30, 30))
    d["vk"] = rng.uniform(-1, 1, 900)
    d["yk"] = rng.uniform(-1, 1, 900)
    return d


def numpy_cases(n, d):
    A, x, L, bl, y, T, U, V = (d[k] for k in ["A", "x", "L", "bl", "y", "T", "U", "V"])
    C = np.empty((n, n))

    def neuron():
        z = d["Xn"].T @ d["wn"] + 0.1
        return (2 / (10 * n)) * (d["Xn"] @ ((z > 0) * (z - d["yn"])))

    def logistic_hessian():
        s = sigmoid(-y * (L @ x))
        return L.T @ ((s * (1 - s))[:, None] * L)

    def cross_entropy():
        Z = d["W"] @ d["Xb"]
        P = np.exp(Z - Z.max(axis=0))
        P /= P.sum(axis=0)
        return (P * d["Yb"].sum(axis=0) - d["Yb"]) @ d["Xb"].T

    def attention():
        Q, K, Vh, G = d["Q"], d["K"], d["Vh"], d["G"]
        s = np.sqrt(64.0)
        S = Q @ K.T / s
        P = np.exp(S - S.max(axis=1, keepdims=True))
        P /= P.sum(axis=1, keepdims=True)
        dP = G @ Vh.T
        dS = P * (dP - (dP * P).sum(axis=1, keepdims=True))
        return dS @ K / s

    def power():
        X = d["Xp"]
        X2 = X @ X
        G = np.outer(d["a"], d["b"])
        return G @ X2.T + X.T @ G @ X.T + X2.T @ G

    def kron():
        K = np.kron(d["Ak"], d["Bk"])
        return 2 * K.T @ (K @ d["vk"] - d["yk"])

    return {
        "grad x'Ax": lambda: A @ x + A.T @ x,
        "grad least squares": lambda: 2 * L.T @ (L @ x - bl),
        "grad logistic loss": lambda: -L.T @ (y * sigmoid(-y * (L @ x))),
        "grad |T-UV'|^2 by U": lambda: -2 * (T - U @ V.T) @ V,
        "grad neuron MSE": neuron,
        "grad logdet(X)": lambda: np.linalg.inv(d["Xd"]).T,
        "grad softmax cross-entropy": cross_entropy,
        "grad attention head by Q": attention,
        "grad a'X^3b": power,
        "grad |kron(A,B)v - y|^2": kron,
        "Hessian x'Ax": lambda: A + A.T,
        "Hessian |T-UV'|^2 by U": lambda: 2 * np.kron(np.eye(n), V.T @ V),
        "Hessian least squares": lambda: 2 * L.T @ L,
        "Hessian logistic loss": logistic_hessian,
        # The matrix product alone, written into a preallocated result as the benchmark's GEMM is.
        "GEMM": lambda: np.matmul(A, T, out=C),
    }


def torch_losses(n, d):
    """Each case's loss as a function of the variable differentiated, and that variable's value."""
    t = {k: torch.from_numpy(v) for k, v in d.items()}
    A, x, L, bl, y, T, V = (t[k] for k in ["A", "x", "L", "bl", "y", "T", "V"])
    xs = lambda z: z @ (A @ z)  # noqa: E731
    lsq = lambda z: ((L @ z - bl) ** 2).sum()  # noqa: E731
    logistic = lambda z: torch.nn.functional.softplus(-y * (L @ z)).sum()  # noqa: E731
    uv = lambda U: ((T - U @ V.T) ** 2).sum()  # noqa: E731

    def neuron(w):
        return ((t["yn"] - torch.relu(t["Xn"].T @ w + 0.1)) ** 2).mean()

    def cross_entropy(W):
        return -(t["Yb"] * torch.log_softmax(W @ t["Xb"], dim=0)).sum()

    def attention(Q):
        P = torch.softmax(Q @ t["K"].T / 8.0, dim=1)
        return (t["G"] * (P @ t["Vh"])).sum()

    def power(X):
        return t["a"] @ (X @ X @ X) @ t["b"]

    def kron(v):
        return ((torch.kron(t["Ak"], t["Bk"]) @ v - t["yk"]) ** 2).sum()

    return {
        "grad x'Ax": (xs, x),
        "grad least squares": (lsq, x),
        "grad logistic loss": (logistic, x),
        "grad |T-UV'|^2 by U": (uv, t["U"]),
        "grad neuron MSE": (neuron, t["wn"]),
        "grad logdet(X)": (torch.logdet, t["Xd"]),
        "grad softmax cross-entropy": (cross_entropy, t["W"]),
        "grad attention head by Q": (attention, t["Q"]),
        "grad a'X^3b": (power, t["Xp"]),
        "grad |kron(A,B)v - y|^2": (kron, t["vk"]),
        "Hessian x'Ax": (xs, x),
        "Hessian |T-UV'|^2 by U": (uv, t["U"]),
        "Hessian least squares": (lsq, x),
        "Hessian logistic loss": (logistic, x),
    }


def torch_time(name, n, d, peer, budget):
    losses = torch_losses(n, d)
    if name not in losses:
        return None, None, ""
    f, value = losses[name]
    x = value.clone().requires_grad_(True)
    if peer == "torch":

        def grad():
            (g,) = torch.autograd.grad(f(x), x)
            return g

        return median_ms(grad, budget), float(grad().sum()), ""
    if peer == "torch-hessian-vectorized":
        h = lambda: torch.autograd.functional.hessian(f, value, vectorize=True)  # noqa: E731
        return median_ms(h, budget, least=3), float(h().sum()), ""
    # hessian(vectorize=False) takes one backward pass of the gradient per row. Where the whole Hessian
    # would take more than a second, the rows that fit in one are timed and the rest estimated.
    size = value.numel()
    start = time.perf_counter()
    (g,) = torch.autograd.grad(f(x), x, create_graph=True)
    g = g.reshape(-1)
    first = time.perf_counter() - start
    done = 0
    while done < size and (done < 2 or time.perf_counter() - start < 1.0):
        torch.autograd.grad(g[done], x, retain_graph=True)
        done += 1
    per_row = (time.perf_counter() - start - first) / done
    if done == size:
        h = lambda: torch.autograd.functional.hessian(f, value)  # noqa: E731
        return median_ms(h, budget, least=1), float(h().sum()), ""
    return (first + per_row * size) * 1000, None, f"est. from {done} of {size} rows"


def torch_blas():
    """The BLAS PyTorch calls: its own build's, or (a "generic" build) the system's libblas.so.3."""
    if torch is None:
        return None
    info = torch.__config__.show()
    kind = info.split("BLAS_INFO=")[1].split(",")[0] if "BLAS_INFO=" in info else "unknown"
    if kind != "generic":
        return kind
    for path in ["/usr/lib/x86_64-linux-gnu/libblas.so.3", "/usr/lib/aarch64-linux-gnu/libblas.so.3"]:
        if os.path.exists(path):
            return f"generic: {os.path.realpath(path)}"
    return kind


def serve():
    print(
        json.dumps(
            {
                "numpy": np.__version__,
                "torch": torch.__version__ if torch else None,
                "torchBlas": torch_blas(),
                "threads": THREADS,
            }
        ),
        flush=True,
    )
    by_size = {}
    for line in sys.stdin:
        if not line.strip():
            continue
        ask = json.loads(line)
        n = int(ask["n"])
        peer = ask.get("peer", "numpy")
        budget = float(ask.get("budget", 0.3))
        if n not in by_size:
            d = data(n, np.random.default_rng(n))
            by_size[n] = (d, numpy_cases(n, d))
        d, cases = by_size[n]
        if peer == "numpy":
            f = cases.get(ask["name"])
            answer = {"ms": None, "checksum": None, "note": ""}
            if f is not None:
                answer = {"ms": median_ms(f, budget), "checksum": float(np.sum(f())), "note": ""}
        elif torch is None:
            answer = {"ms": None, "checksum": None, "note": "no PyTorch"}
        else:
            ms, checksum, note = torch_time(ask["name"], n, d, peer, budget)
            answer = {"ms": ms, "checksum": checksum, "note": note}
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    serve()
