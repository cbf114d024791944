"""Optimizers written from their update rules, in NumPy, and learning-rate schedules.

Each optimizer keeps, for every parameter array, the state its rule needs (a
velocity, a running average of squared gradients, ...) and changes the
parameters in place in :meth:`Optimizer.step`. The rules follow the conventions of
``torch.optim`` (for example, PyTorch's momentum adds the raw gradient to the
velocity, without a ``1 - momentum`` factor), so the two can be compared step
for step: :func:`max_difference_from_torch` does that.

Learning-rate schedules are plain functions of the step number, so they can be
plotted, and used with any optimizer through :func:`scheduled_lr`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from dlguide._checks import check_array, check_int, check_positive, check_real, check_str, describe
from dlguide.book.seeding import resolve_seed

__all__ = [
    "OPTIMIZERS",
    "SCHEDULES",
    "SGD",
    "Adam",
    "Optimizer",
    "RMSprop",
    "elongated_bowl",
    "elongated_bowl_grad",
    "make_optimizer",
    "max_difference_from_torch",
    "optimize_2d",
    "scheduled_lr",
]


def _fraction(name: str, value: Any) -> float:
    number = check_real(name, value)
    if not 0.0 <= number < 1.0:
        raise ValueError(f"{name} must be in [0, 1), got {number}")
    return number


class Optimizer:
    """The base class of the optimizers: the learning rate, per-parameter state, argument checks."""

    def __init__(self, lr: float) -> None:
        self.lr = check_positive("lr", lr)
        self.state: dict[int, dict[str, Any]] = {}
        self.steps = 0

    def step(self, params: Sequence[np.ndarray], grads: Sequence[np.ndarray]) -> None:
        """Update every array in ``params`` in place, given its gradient in ``grads``."""
        if isinstance(params, np.ndarray) or isinstance(grads, np.ndarray):
            raise TypeError("params and grads must be lists of arrays, not a single array")
        if len(params) != len(grads):
            raise ValueError(f"params has {len(params)} arrays but grads has {len(grads)}")
        for i, (p, g) in enumerate(zip(params, grads, strict=True)):
            check_array(f"params[{i}]", p, ndim=p.ndim if isinstance(p, np.ndarray) else None)
            check_array(f"grads[{i}]", g, ndim=g.ndim if isinstance(g, np.ndarray) else None)
            if not np.issubdtype(p.dtype, np.floating):
                raise TypeError(f"params[{i}] must have a float dtype, got {p.dtype}")
            if p.shape != g.shape:
                raise ValueError(f"grads[{i}] has shape {g.shape} but params[{i}] has {p.shape}")
        self.steps += 1
        for i, (p, g) in enumerate(zip(params, grads, strict=True)):
            self._update(p, g, self.state.setdefault(i, {}))

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, Any]) -> None:
        raise NotImplementedError


class SGD(Optimizer):
    """Stochastic gradient descent, with optional (heavy-ball) momentum.

    Update rule, for gradient :math:`g_t`: :math:`v_t = \\mu v_{t-1} + g_t` (with
    :math:`v_1 = g_1`), then :math:`\\theta_t = \\theta_{t-1} - \\eta v_t`. With
    ``momentum=0`` this is plain gradient descent.

    Examples
    --------
    >>> w = np.array([1.0]); opt = SGD(lr=0.1, momentum=0.9)
    >>> opt.step([w], [np.array([1.0])]); w          # v = 1
    array([0.9])
    >>> opt.step([w], [np.array([1.0])]); w.round(2)  # v = 0.9 * 1 + 1
    array([0.71])
    """

    def __init__(self, lr: float, momentum: float = 0.0) -> None:
        super().__init__(lr)
        self.momentum = _fraction("momentum", momentum)

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, Any]) -> None:
        if self.momentum:
            if "velocity" not in state:
                state["velocity"] = g.copy()
            else:
                state["velocity"] = self.momentum * state["velocity"] + g
            g = state["velocity"]
        p -= self.lr * g


class RMSprop(Optimizer):
    """RMSprop: divide each gradient by a running root-mean-square of its recent values.

    :math:`s_t = \\alpha s_{t-1} + (1 - \\alpha) g_t^2`, then
    :math:`\\theta_t = \\theta_{t-1} - \\eta\\, g_t / (\\sqrt{s_t} + \\epsilon)`.

    Examples
    --------
    >>> w = np.array([0.0, 0.0]); opt = RMSprop(lr=0.01, alpha=0.9)
    >>> opt.step([w], [np.array([100.0, 0.01])])
    >>> w.round(4)  # both coordinates move by the same amount, whatever the gradient's scale
    array([-0.0316, -0.0316])
    """

    def __init__(self, lr: float, alpha: float = 0.99, eps: float = 1e-8) -> None:
        super().__init__(lr)
        self.alpha = _fraction("alpha", alpha)
        self.eps = check_positive("eps", eps)

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, Any]) -> None:
        square = state.get("square_avg", np.zeros_like(p))
        square = self.alpha * square + (1 - self.alpha) * g * g
        state["square_avg"] = square
        p -= self.lr * g / (np.sqrt(square) + self.eps)


class Adam(Optimizer):
    """Adam: momentum on the gradient and RMSprop's scaling, both bias-corrected.

    :math:`m_t = \\beta_1 m_{t-1} + (1-\\beta_1) g_t`,
    :math:`v_t = \\beta_2 v_{t-1} + (1-\\beta_2) g_t^2`,
    :math:`\\hat m_t = m_t / (1-\\beta_1^t)`, :math:`\\hat v_t = v_t / (1-\\beta_2^t)`,
    then :math:`\\theta_t = \\theta_{t-1} - \\eta\\, \\hat m_t / (\\sqrt{\\hat v_t} + \\epsilon)`.

    Examples
    --------
    >>> w = np.array([0.0]); opt = Adam(lr=0.1)
    >>> opt.step([w], [np.array([123.0])]); w.round(6)  # the first step has size lr
    array([-0.1])
    """

    def __init__(
        self, lr: float, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8
    ) -> None:
        super().__init__(lr)
        if not (isinstance(betas, tuple) and len(betas) == 2):
            raise TypeError(f"betas must be a tuple of two numbers, got {describe(betas)}")
        self.betas = (_fraction("betas[0]", betas[0]), _fraction("betas[1]", betas[1]))
        self.eps = check_positive("eps", eps)

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, Any]) -> None:
        b1, b2 = self.betas
        t = state["t"] = state.get("t", 0) + 1
        m = state["m"] = b1 * state.get("m", np.zeros_like(p)) + (1 - b1) * g
        v = state["v"] = b2 * state.get("v", np.zeros_like(p)) + (1 - b2) * g * g
        m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
        p -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


#: Each optimizer's name, mapped to its NumPy class and to the matching ``torch.optim`` class.
OPTIMIZERS = {
    "sgd": (SGD, "SGD"),
    "momentum": (SGD, "SGD"),
    "rmsprop": (RMSprop, "RMSprop"),
    "adam": (Adam, "Adam"),
}


def _settings(name: str, hyper: dict[str, Any]) -> dict[str, Any]:
    settings = dict(hyper)
    if name == "momentum":
        settings.setdefault("momentum", 0.9)
    return settings


def make_optimizer(name: str, lr: float, **hyper: Any) -> Optimizer:
    """Return the NumPy optimizer called ``name`` (one of :data:`OPTIMIZERS`).

    ``"momentum"`` is :class:`SGD` with ``momentum=0.9`` unless given.

    Examples
    --------
    >>> make_optimizer("momentum", 0.1).momentum
    0.9
    """
    check_str("name", name, choices=tuple(OPTIMIZERS))
    cls, _ = OPTIMIZERS[name]
    return cls(lr, **_settings(name, hyper))


def _torch_optimizer(name: str, params: Any, lr: float, hyper: dict[str, Any]) -> Any:
    import torch

    _, torch_name = OPTIMIZERS[name]
    settings = _settings(name, hyper)
    if name == "rmsprop":
        settings.setdefault("alpha", 0.99)
        settings.setdefault("eps", 1e-8)
    return getattr(torch.optim, torch_name)(params, lr=lr, **settings)


def max_difference_from_torch(
    name: str, lr: float, *, steps: int = 100, seed: int | None = None, **hyper: Any
) -> float:
    """Run a NumPy optimizer and its ``torch.optim`` twin side by side; return the largest gap.

    Both start from the same random weights of a small softmax classifier (in
    float64) on random data and take ``steps`` full-batch steps, each from the
    gradient of the loss at *its own* weights (computed by ``torch.autograd``).
    The result is the largest absolute difference between any weight of the two
    after any step: zero up to rounding if the update rules are the same.

    Examples
    --------
    >>> max_difference_from_torch("adam", 0.01, steps=20) < 1e-12
    True
    """
    seed = resolve_seed(seed)
    import torch

    check_str("name", name, choices=tuple(OPTIMIZERS))
    lr = check_positive("lr", lr)
    steps = check_int("steps", steps, minimum=1)
    seed = check_int("seed", seed, minimum=0)
    rng = np.random.default_rng(seed)
    x = torch.tensor(rng.normal(size=(32, 5)))
    y = torch.tensor(rng.integers(0, 3, size=32))
    start = [rng.normal(size=(5, 3)) * 0.5, rng.normal(size=3) * 0.1]

    def loss_of(weights: Sequence[Any]) -> Any:
        return torch.nn.functional.cross_entropy(x @ weights[0] + weights[1], y)

    mine = [w.copy() for w in start]
    numpy_opt = make_optimizer(name, lr, **hyper)
    theirs = [torch.tensor(w, requires_grad=True) for w in start]
    torch_opt = _torch_optimizer(name, theirs, lr, hyper)
    largest = 0.0
    for _ in range(steps):
        copies = [torch.tensor(w, requires_grad=True) for w in mine]
        grads = torch.autograd.grad(loss_of(copies), copies)
        numpy_opt.step(mine, [g.numpy() for g in grads])
        torch_opt.zero_grad()
        loss_of(theirs).backward()
        torch_opt.step()
        for a, b in zip(mine, theirs, strict=True):
            largest = max(largest, float(np.abs(a - b.detach().numpy()).max()))
    return largest


def elongated_bowl(x: Any, y: Any, ratio: float = 25.0) -> Any:
    """The ill-conditioned quadratic :math:`(x^2 + r\\, y^2) / 2`; minimum 0 at (0, 0).

    ``x`` and ``y`` are numbers, or arrays of the same shape (a grid from ``np.meshgrid``).

    Its curvature across the valley (``y``) is ``ratio`` times its curvature
    along it (``x``): a step size small enough not to overshoot in ``y`` crawls
    in ``x``. ``ratio`` is the condition number of its Hessian.

    Examples
    --------
    >>> float(elongated_bowl(1.0, 1.0, ratio=3.0))
    2.0
    """
    ratio = check_real("ratio", ratio)
    x, y = _coordinate("x", x), _coordinate("y", y)
    if np.shape(x) != np.shape(y):
        raise ValueError(
            f"x and y must have the same shape (as from np.meshgrid), got {np.shape(x)} and "
            f"{np.shape(y)}"
        )
    return 0.5 * (x**2 + ratio * y**2)


def _coordinate(name: str, value: Any) -> Any:
    """A real number, or a non-empty array of finite numbers (a grid of points)."""
    if isinstance(value, np.ndarray) and value.ndim:
        return check_array(name, value)
    check_real(name, value.item() if isinstance(value, np.ndarray) else value)
    return value


def elongated_bowl_grad(point: np.ndarray, ratio: float = 25.0) -> np.ndarray:
    """Return the gradient :math:`(x, r\\, y)` of :func:`elongated_bowl` at ``point = (x, y)``.

    Examples
    --------
    >>> elongated_bowl_grad(np.array([1.0, 1.0]), ratio=3.0)
    array([1., 3.])
    """
    point = check_array("point", point, ndim=1)
    if point.shape != (2,):
        raise ValueError(f"point must have shape (2,), got {point.shape}")
    return np.array([point[0], check_positive("ratio", ratio) * point[1]], dtype=float)


def optimize_2d(
    optimizer: Optimizer,
    grad: Callable[[np.ndarray], np.ndarray],
    start: Sequence[float],
    steps: int,
) -> np.ndarray:
    """Follow ``optimizer`` from ``start`` on a 2-D surface; return the ``(steps + 1, 2)`` path.

    Examples
    --------
    >>> path = optimize_2d(SGD(0.1), lambda p: 2 * p, [1.0, -1.0], steps=3)
    >>> path[-1]  # each step multiplies the point by 1 - 0.1 * 2
    array([ 0.512, -0.512])
    """
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be a dlguide optimizer, got {describe(optimizer)}")
    if not callable(grad):
        raise TypeError(f"grad must be a function of the point, got {describe(grad)}")
    if isinstance(start, np.ndarray):
        point = check_array("start", start, ndim=1).astype(float)
    elif isinstance(start, (list, tuple)):
        point = np.array([check_real(f"start[{i}]", v) for i, v in enumerate(start)], dtype=float)
    else:
        raise TypeError(f"start must be a pair of numbers, got {describe(start)}")
    if point.shape != (2,):
        raise ValueError(f"start must hold two numbers, got {len(point)}")
    steps = check_int("steps", steps, minimum=1)
    path = [point.copy()]
    for _ in range(steps):
        optimizer.step([point], [np.asarray(grad(point), dtype=float)])
        path.append(point.copy())
    return np.array(path)


#: Learning-rate schedules, as factors of the base rate.
SCHEDULES = ("constant", "step", "cosine", "warmup-cosine")


def scheduled_lr(
    schedule: str,
    step: int,
    total: int,
    *,
    base_lr: float = 1.0,
    warmup: int = 0,
    drop_every: int | None = None,
    drop_factor: float = 0.1,
) -> float:
    """Return the learning rate at ``step`` (0-based) of ``total`` under ``schedule``.

    ``"step"`` multiplies the rate by ``drop_factor`` every ``drop_every`` steps
    (default: a third of ``total``); ``"cosine"`` follows half a cosine from
    ``base_lr`` down to zero; ``"warmup-cosine"`` first rises linearly over
    ``warmup`` steps, then follows the cosine over the rest.

    Examples
    --------
    >>> [scheduled_lr("step", s, 9, drop_every=3) for s in (0, 3, 6)]
    [1.0, 0.1, 0.010000000000000002]
    >>> scheduled_lr("cosine", 0, 10), scheduled_lr("cosine", 5, 10)
    (1.0, 0.5)
    >>> scheduled_lr("warmup-cosine", 0, 10, warmup=4)
    0.25
    """
    check_str("schedule", schedule, choices=SCHEDULES)
    total = check_int("total", total, minimum=1)
    step = check_int("step", step, minimum=0)
    if step >= total:
        raise ValueError(f"step must be below total ({total}), got {step}")
    base_lr = check_positive("base_lr", base_lr)
    warmup = check_int("warmup", warmup, minimum=0)
    if warmup >= total:
        raise ValueError(f"warmup must be below total ({total}), got {warmup}")
    if schedule == "constant":
        return base_lr
    if schedule == "step":
        if drop_every is None:
            every = max(total // 3, 1)
        else:
            every = check_int("drop_every", drop_every, minimum=1)
        return base_lr * check_positive("drop_factor", drop_factor) ** (step // every)
    if schedule == "warmup-cosine" and step < warmup:
        return base_lr * (step + 1) / warmup
    start = warmup if schedule == "warmup-cosine" else 0
    progress = (step - start) / (total - start)
    return base_lr * 0.5 * (1 + math.cos(math.pi * progress))
