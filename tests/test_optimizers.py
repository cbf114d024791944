"""Tests of foundations.optimizers: update rules against torch.optim, 2-D paths, schedules."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from dlguide.foundations.optimizers import (
    OPTIMIZERS,
    SCHEDULES,
    SGD,
    Adam,
    RMSprop,
    elongated_bowl,
    elongated_bowl_grad,
    make_optimizer,
    max_difference_from_torch,
    optimize_2d,
    scheduled_lr,
)


@pytest.mark.parametrize("name", list(OPTIMIZERS))
@pytest.mark.parametrize("lr", [0.003, 0.1])
def test_matches_torch_step_for_step(name, lr):
    assert max_difference_from_torch(name, lr, steps=60, seed=3) < 1e-12


def test_matches_torch_with_other_hyperparameters():
    assert max_difference_from_torch("rmsprop", 0.01, steps=30, alpha=0.9, eps=1e-6) < 1e-12
    assert max_difference_from_torch("adam", 0.01, steps=30, betas=(0.8, 0.99)) < 1e-12
    assert max_difference_from_torch("momentum", 0.01, steps=30, momentum=0.5) < 1e-12


def test_a_wrong_rule_is_caught():
    # The comparison must be able to fail: a momentum of 0.9 in NumPy against torch's 0.
    class Wrong(SGD):
        def __init__(self, lr):
            super().__init__(lr, momentum=0.9)

    saved = OPTIMIZERS["sgd"]
    OPTIMIZERS["sgd"] = (Wrong, "SGD")
    try:
        assert max_difference_from_torch("sgd", 0.1, steps=10) > 1e-3
    finally:
        OPTIMIZERS["sgd"] = saved


def test_rules_by_hand():
    w = np.array([1.0, -2.0])
    SGD(0.5).step([w], [np.array([2.0, 2.0])])
    np.testing.assert_allclose(w, [0.0, -3.0])
    w = np.array([0.0])
    opt = RMSprop(0.1, alpha=0.0, eps=1e-12)  # alpha 0: s = g^2, step = lr * sign(g)
    opt.step([w], [np.array([-7.0])])
    np.testing.assert_allclose(w, [0.1])
    w = np.array([0.0, 0.0])
    opt = Adam(0.1)
    for _ in range(5):  # constant gradient: every Adam step has size lr (up to eps)
        opt.step([w], [np.array([3.0, -0.01])])
    np.testing.assert_allclose(w, [-0.5, 0.5], rtol=1e-5)


def test_state_is_per_parameter():
    a, b = np.array([1.0]), np.array([1.0])
    opt = SGD(0.1, momentum=0.9)
    opt.step([a, b], [np.array([1.0]), np.array([0.0])])
    opt.step([a, b], [np.array([1.0]), np.array([0.0])])
    np.testing.assert_allclose(a, [1 - 0.1 - 0.19])
    np.testing.assert_allclose(b, [1.0])


def test_make_optimizer():
    assert make_optimizer("momentum", 0.1).momentum == 0.9
    assert make_optimizer("momentum", 0.1, momentum=0.5).momentum == 0.5
    assert make_optimizer("sgd", 0.1).momentum == 0.0
    assert isinstance(make_optimizer("adam", 0.1), Adam)
    with pytest.raises(ValueError, match=r"^name must be one of 'sgd', .*got 'lbfgs'"):
        make_optimizer("lbfgs", 0.1)


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: SGD(0.0), ValueError, r"^lr must be positive, got 0.0"),
        (lambda: SGD(-1), ValueError, r"^lr must be positive"),
        (lambda: SGD("0.1"), TypeError, r"^lr must be a real number, got str"),
        (lambda: SGD(0.1, momentum=1.0), ValueError, r"^momentum must be in \[0, 1\), got 1.0"),
        (lambda: RMSprop(0.1, alpha=-0.1), ValueError, r"^alpha must be in \[0, 1\)"),
        (lambda: RMSprop(0.1, eps=0), ValueError, r"^eps must be positive"),
        (lambda: Adam(0.1, betas=0.9), TypeError, r"^betas must be a tuple of two numbers"),
        (lambda: Adam(0.1, betas=(0.9, 1.0)), ValueError, r"^betas\[1\] must be in \[0, 1\)"),
        (lambda: SGD(float("nan")), ValueError, r"^lr must be a finite number"),
    ],
)
def test_bad_hyperparameters(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_bad_step_arguments():
    opt = SGD(0.1)
    with pytest.raises(TypeError, match=r"^params and grads must be lists of arrays"):
        opt.step(np.zeros(2), np.zeros(2))
    with pytest.raises(ValueError, match=r"^params has 1 arrays but grads has 2"):
        opt.step([np.zeros(2)], [np.zeros(2), np.zeros(2)])
    with pytest.raises(
        ValueError, match=r"^grads\[0\] has shape \(3,\) but params\[0\] has \(2,\)"
    ):
        opt.step([np.zeros(2)], [np.zeros(3)])
    with pytest.raises(ValueError, match=r"^grads\[0\] contains NaN"):
        opt.step([np.zeros(2)], [np.array([np.nan, 0.0])])
    with pytest.raises(TypeError, match=r"^params\[0\] must have a float dtype, got int64"):
        opt.step([np.zeros(2, dtype=np.int64)], [np.zeros(2)])
    with pytest.raises(TypeError, match=r"^grads\[0\] must be a NumPy array, got list"):
        opt.step([np.zeros(2)], [[0.0, 0.0]])


def test_elongated_bowl_gradient_against_finite_differences():
    point, h = np.array([0.7, -1.3]), 1e-6
    numeric = [
        (elongated_bowl(*(point + h * e), ratio=9.0) - elongated_bowl(*(point - h * e), ratio=9.0))
        / (2 * h)
        for e in np.eye(2)
    ]
    np.testing.assert_allclose(elongated_bowl_grad(point, ratio=9.0), numeric, rtol=1e-6)
    with pytest.raises(ValueError, match=r"^point must have shape \(2,\), got \(3,\)"):
        elongated_bowl_grad(np.zeros(3))
    with pytest.raises(ValueError, match=r"^ratio must be positive"):
        elongated_bowl_grad(np.zeros(2), ratio=0.0)


def test_optimize_2d_sgd_on_the_bowl_has_the_closed_form():
    # On (x^2 + r y^2)/2, SGD multiplies x by (1 - lr) and y by (1 - lr r) each step.
    path = optimize_2d(SGD(0.05), elongated_bowl_grad, [2.0, 1.0], steps=10)
    assert path.shape == (11, 2)
    np.testing.assert_allclose(path[-1], [2.0 * 0.95**10, 1.0 * (1 - 0.05 * 25) ** 10])
    # beyond lr = 2/r, plain SGD diverges along y
    wild = optimize_2d(SGD(0.1), elongated_bowl_grad, [2.0, 1.0], steps=10)
    assert abs(wild[-1, 1]) == 1.5**10


def test_optimize_2d_bad_input():
    with pytest.raises(TypeError, match=r"^optimizer must be a dlguide optimizer"):
        optimize_2d(torch.optim.SGD, elongated_bowl_grad, [0.0, 0.0], 1)
    with pytest.raises(TypeError, match=r"^grad must be a function"):
        optimize_2d(SGD(0.1), 3, [0.0, 0.0], 1)
    with pytest.raises(ValueError, match=r"^start must hold two numbers, got 3"):
        optimize_2d(SGD(0.1), elongated_bowl_grad, [0.0, 0.0, 0.0], 1)
    with pytest.raises(ValueError, match=r"^steps must be at least 1"):
        optimize_2d(SGD(0.1), elongated_bowl_grad, [0.0, 0.0], 0)
    with pytest.raises(TypeError, match=r"^start must be a pair of numbers"):
        optimize_2d(SGD(0.1), elongated_bowl_grad, "ab", 1)
    with pytest.raises(TypeError, match=r"^start\[1\] must be a real number"):
        optimize_2d(SGD(0.1), elongated_bowl_grad, [0.0, None], 1)


def test_elongated_bowl_takes_numbers_or_grids():
    xs, ys = np.meshgrid(np.linspace(-1, 1, 4), np.linspace(-1, 1, 3))
    np.testing.assert_allclose(elongated_bowl(xs, ys, ratio=4.0), 0.5 * (xs**2 + 4.0 * ys**2))
    assert elongated_bowl(np.float64(2.0), 0, ratio=1.0) == 2.0
    with pytest.raises(ValueError, match=r"^x and y must have the same shape"):
        elongated_bowl(xs, ys[:1])
    with pytest.raises(ValueError, match=r"^y must be a finite number"):
        elongated_bowl(1.0, float("nan"))
    with pytest.raises(TypeError, match=r"^x must be a real number"):
        elongated_bowl("1", 1.0)


def test_schedules_against_torch_schedulers():
    total = 30
    params = [torch.zeros(1, requires_grad=True)]
    for schedule, scheduler in [
        ("step", lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=10, gamma=0.1)),
        ("cosine", lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=total)),
    ]:
        opt = torch.optim.SGD(params, lr=0.5)
        sched = scheduler(opt)
        for step in range(total):
            expected = opt.param_groups[0]["lr"]
            assert math.isclose(
                scheduled_lr(schedule, step, total, base_lr=0.5),
                expected,
                rel_tol=1e-9,
                abs_tol=1e-12,
            )
            opt.step()
            sched.step()


def test_warmup_and_constant():
    values = [scheduled_lr("warmup-cosine", s, 20, warmup=5) for s in range(20)]
    np.testing.assert_allclose(values[:5], [0.2, 0.4, 0.6, 0.8, 1.0])
    assert values[5] == 1.0 and all(np.diff(values[5:]) < 0)
    assert {scheduled_lr("constant", s, 5, base_lr=0.3) for s in range(5)} == {0.3}
    assert set(SCHEDULES) == {"constant", "step", "cosine", "warmup-cosine"}


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"schedule": "linear"}, ValueError, r"^schedule must be one of 'constant'"),
        ({"step": 10}, ValueError, r"^step must be below total \(10\), got 10"),
        ({"step": -1}, ValueError, r"^step must be at least 0"),
        ({"total": 0}, ValueError, r"^total must be at least 1"),
        ({"warmup": 10}, ValueError, r"^warmup must be below total"),
        ({"base_lr": 0}, ValueError, r"^base_lr must be positive"),
        ({"step": 1.5}, TypeError, r"^step must be an integer"),
    ],
)
def test_schedule_bad_input(kwargs, error, message):
    arguments = {"schedule": "cosine", "step": 0, "total": 10} | kwargs
    with pytest.raises(error, match=message):
        scheduled_lr(**arguments)


def test_max_difference_bad_input():
    with pytest.raises(ValueError, match=r"^name must be one of"):
        max_difference_from_torch("adagrad", 0.1)
    with pytest.raises(ValueError, match=r"^steps must be at least 1"):
        max_difference_from_torch("adam", 0.1, steps=0)
