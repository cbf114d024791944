"""Tests for practice.distributed: two real processes, gloo, the maths of data parallelism."""

from __future__ import annotations

import pytest
import torch

from dlguide.practice.distributed import _HIDDEN, _digits, parse_args, run_data_parallel

EPOCHS, BATCH = 2, 32


@pytest.fixture(scope="module")
def two_ranks():
    return run_data_parallel(2, epochs=EPOCHS, batch_size=BATCH)


def test_two_separate_processes_ran(two_ranks):
    assert two_ranks.world_size == 2
    assert len(set(two_ranks.pids)) == 2
    assert all(s > 0 for s in two_ranks.seconds)


def test_replicas_end_with_identical_weights(two_ranks):
    assert two_ranks.max_weight_difference == 0.0
    a, b = two_ranks.weights
    assert a.keys() == b.keys()
    assert all(torch.equal(a[k], b[k]) for k in a)
    assert two_ranks.test_accuracy[0] == two_ranks.test_accuracy[1]


def test_ranks_see_disjoint_halves_of_the_data(two_ranks):
    first, second = (set(i) for i in two_ranks.first_epoch_indices)
    n = len(_digits()[1])
    assert len(first) + len(second) >= n - 1  # one index may repeat to even out the halves
    assert first | second == set(range(n))


def test_data_parallel_equals_one_process_with_the_union_batch(two_ranks):
    """Averaging the gradients of two batches of 32 is one step on the 64 examples together."""
    from torch import nn
    from torch.utils.data import DistributedSampler

    x, y, _, _ = _digits()
    torch.manual_seed(0)  # rank 0's starting weights, which DDP gives every rank
    model = nn.Sequential(nn.Linear(x.shape[1], _HIDDEN), nn.ReLU(), nn.Linear(_HIDDEN, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    samplers = [
        DistributedSampler(range(len(y)), num_replicas=2, rank=r, shuffle=True, seed=0)
        for r in range(2)
    ]
    for epoch in range(EPOCHS):
        shards = []
        for sampler in samplers:
            sampler.set_epoch(epoch)
            shards.append(list(sampler))
        for start in range(0, len(shards[0]), BATCH):
            batch = shards[0][start : start + BATCH] + shards[1][start : start + BATCH]
            loss = nn.functional.cross_entropy(model(x[batch]), y[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    for name, value in model.state_dict().items():
        torch.testing.assert_close(two_ranks.weights[0][name], value, rtol=1e-4, atol=1e-5)


def test_one_process_works():
    run = run_data_parallel(1, epochs=1)
    assert run.world_size == 1 and run.max_weight_difference == 0.0
    assert run.test_accuracy[0] > 0.5


def test_parse_args_defaults():
    args = parse_args(["--out", "somewhere"])
    assert (args.epochs, args.batch_size, args.lr, args.backend) == (5, 32, 1e-3, "gloo")


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"nprocs": 0}, ValueError, "nprocs must be at least 1"),
        ({"nprocs": 2.0}, TypeError, "nprocs must be an integer"),
        ({"epochs": 0}, ValueError, "epochs must be at least 1"),
        ({"batch_size": "32"}, TypeError, "batch_size must be an integer"),
        ({"lr": 0.0}, ValueError, "lr must be positive"),
        ({"timeout": -1.0}, ValueError, "timeout must be positive"),
    ],
)
def test_bad_input_is_refused(kwargs, error, message):
    with pytest.raises(error, match=message):
        run_data_parallel(**kwargs)


def test_a_failing_worker_raises_with_its_error(monkeypatch):
    # A backend that does not exist makes every worker fail inside init_process_group.
    import dlguide.practice.distributed as module

    real_popen = module.subprocess.Popen

    def popen(command, **kwargs):
        return real_popen([*command, "--backend", "no-such-backend"], **kwargs)

    monkeypatch.setattr(module.subprocess, "Popen", popen)
    with pytest.raises(RuntimeError, match="rank 0 exited"):
        run_data_parallel(2, epochs=1, timeout=300)
