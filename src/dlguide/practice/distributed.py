"""Data-parallel training with ``torch.distributed``: several processes, one model.

Each process (a *rank*) holds a full copy of the model and trains on its own share
of every epoch's examples. After each backward pass, ``DistributedDataParallel``
averages the gradients across the ranks (an *all-reduce*), so every copy takes the
same optimizer step and the copies stay identical.

This module is both sides of that arrangement:

* run as a script, ``python -m dlguide.practice.distributed --out DIR``, it is one worker. It
  reads its rank, the number of ranks and where to meet the others from the
  environment variables that ``torchrun`` sets (``RANK``, ``WORLD_SIZE``,
  ``MASTER_ADDR``, ``MASTER_PORT``), so the same command runs under ``torchrun``
  on one machine or many;
* :func:`run_data_parallel` is a small launcher for one machine: it starts the
  workers as separate processes with those variables set, waits for them, and
  returns what each one reports.

The workers use the ``gloo`` backend, which runs on CPUs; on GPUs one uses ``nccl``.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dlguide._checks import check_int, check_positive
from dlguide.book.seeding import resolve_seed

__all__ = ["DataParallelRun", "main", "parse_args", "run_data_parallel", "train_worker"]

_HIDDEN = 64


def _digits(seed: int = 0) -> tuple[Any, Any, Any, Any]:
    """The scikit-learn digits as float tensors, split as in the frameworks chapter."""
    import torch
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    parts = train_test_split(
        digits.data / 16.0, digits.target, test_size=0.25, stratify=digits.target, random_state=seed
    )
    x, x_test, y, y_test = (torch.tensor(p) for p in parts)
    return x.float(), y.long(), x_test.float(), y_test.long()


def train_worker(out: Path, *, epochs: int, batch_size: int, lr: float, seed: int = 0) -> None:
    """Train one replica inside an initialised process group; save its report to ``out``.

    ``seed`` seeds the train/test split and the shuffling; rank ``r`` starts from the
    weights of ``torch.manual_seed(seed + r)``.
    """
    import time

    import torch
    import torch.distributed as dist
    from torch import nn
    from torch.nn.parallel import DistributedDataParallel
    from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

    from dlguide.models import mlp

    rank, world_size = dist.get_rank(), dist.get_world_size()
    x, y, x_test, y_test = _digits(seed)
    data = TensorDataset(x, y)
    sampler = DistributedSampler(data, num_replicas=world_size, rank=rank, shuffle=True, seed=seed)
    loader = DataLoader(data, batch_size=batch_size, sampler=sampler)

    torch.manual_seed(seed + rank)  # different starting weights on purpose: DDP copies rank 0's
    model = mlp([x.shape[1], _HIDDEN, 10])  # Linear, ReLU, Linear
    ddp = DistributedDataParallel(model)  # broadcasts rank 0's weights to every rank
    optimizer = torch.optim.Adam(ddp.parameters(), lr=lr)

    dist.barrier()  # start the clock together
    start = time.perf_counter()
    for epoch in range(epochs):
        sampler.set_epoch(epoch)  # a new shuffle each epoch, the same on every rank
        for inputs, targets in loader:
            loss = nn.functional.cross_entropy(ddp(inputs), targets)
            optimizer.zero_grad()
            loss.backward()  # gradients are averaged across ranks here
            optimizer.step()
    seconds = time.perf_counter() - start

    with torch.no_grad():
        accuracy = (model(x_test).argmax(dim=1) == y_test).float().mean().item()
    sampler.set_epoch(0)
    report = {
        "rank": rank,
        "world_size": world_size,
        "pid": os.getpid(),
        "seconds": seconds,
        "test_accuracy": accuracy,
        "first_epoch_indices": list(sampler),
        "weights": {k: v.detach().clone() for k, v in model.state_dict().items()},
    }
    torch.save(report, out / f"rank{rank}.pt")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Read a worker's command-line options (``--out``, ``--epochs``, ...).

    Examples
    --------
    >>> args = parse_args(["--out", "reports", "--epochs", "3"])
    >>> args.epochs, args.batch_size, args.backend
    (3, 32, 'gloo')
    """
    parser = argparse.ArgumentParser(
        prog="python -m dlguide.practice.distributed",
        description="One data-parallel worker. Start it with torchrun, or with "
        "dlguide.practice.distributed.run_data_parallel; both set RANK, WORLD_SIZE, "
        "MASTER_ADDR and MASTER_PORT.",
    )
    parser.add_argument("--out", type=Path, required=True, help="folder for rank<N>.pt reports")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=32, help="examples per step per rank")
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--backend", default="gloo", help="gloo on CPUs, nccl on GPUs")
    parser.add_argument("--seed", type=int, default=0, help="the run's seed (the chapter's)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Run one worker: join the process group named by the environment, train, report.

    This is what ``python -m dlguide.practice.distributed`` and
    ``torchrun -m dlguide.practice.distributed`` run; it needs the environment variables a
    launcher sets, so it has no doctest (:func:`run_data_parallel` runs it).
    """
    args = parse_args(argv)
    import torch
    import torch.distributed as dist

    torch.set_num_threads(1)  # one core per process
    dist.init_process_group(backend=args.backend)
    try:
        args.out.mkdir(parents=True, exist_ok=True)
        train_worker(
            args.out, epochs=args.epochs, batch_size=args.batch_size, lr=args.lr, seed=args.seed
        )
    finally:
        dist.destroy_process_group()


@dataclass(frozen=True)
class DataParallelRun:
    """What the workers of one data-parallel run reported, one entry per rank."""

    world_size: int
    pids: list[int]
    seconds: list[float]
    test_accuracy: list[float]
    first_epoch_indices: list[list[int]]
    weights: list[dict[str, Any]]

    @property
    def max_weight_difference(self) -> float:
        """The largest absolute difference between any weight of any rank and rank 0's."""
        reference = self.weights[0]
        differences = [
            float((other[name] - reference[name]).abs().max())
            for other in self.weights[1:]
            for name in reference
        ]
        return max(differences, default=0.0)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_data_parallel(
    nprocs: int = 2,
    *,
    epochs: int = 5,
    batch_size: int = 32,
    lr: float = 1e-3,
    timeout: float = 600.0,
    seed: int | None = None,
) -> DataParallelRun:
    """Start ``nprocs`` worker processes on this machine, as ``torchrun`` would; collect reports.

    Each worker is ``python -m dlguide.practice.distributed`` in a process of its own, with
    ``RANK``, ``WORLD_SIZE``, ``LOCAL_RANK``, ``MASTER_ADDR`` and ``MASTER_PORT`` set.
    Their output is captured; if any worker fails, its error output is raised.

    Parameters
    ----------
    nprocs
        Number of processes (ranks).
    epochs, batch_size, lr
        Passes over the data, examples per step *per rank*, Adam's learning rate.
    timeout
        Seconds to wait for the workers before stopping them.
    seed
        Seeds the split, the shuffling and each rank's starting weights (see
        :func:`train_worker`); None means the chapter's seed
        (:func:`~dlguide.book.seeding.chapter_seed`).

    Examples
    --------
    >>> run = run_data_parallel(2, epochs=1)
    >>> run.world_size, len(set(run.pids)), run.max_weight_difference
    (2, 2, 0.0)
    """
    nprocs = check_int("nprocs", nprocs, minimum=1)
    seed = resolve_seed(seed)
    epochs = check_int("epochs", epochs, minimum=1)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    check_positive("lr", lr)
    check_positive("timeout", timeout)
    import torch

    src = str(Path(__file__).resolve().parents[2])
    base = dict(os.environ)
    base["PYTHONPATH"] = os.pathsep.join([src, *filter(None, [base.get("PYTHONPATH")])])
    base.update(
        MASTER_ADDR="127.0.0.1", MASTER_PORT=str(_free_port()), WORLD_SIZE=str(nprocs),
        OMP_NUM_THREADS="1",
    )  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="dlguide-ddp-") as folder:
        command = [
            sys.executable, "-m", "dlguide.practice.distributed", "--out", folder,
            "--epochs", str(epochs), "--batch-size", str(batch_size), "--lr", repr(float(lr)),
            "--seed", str(seed),
        ]  # fmt: skip
        workers = [
            subprocess.Popen(
                command,
                env={**base, "RANK": str(rank), "LOCAL_RANK": str(rank)},
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for rank in range(nprocs)
        ]
        failures = []
        for rank, worker in enumerate(workers):
            try:
                _, err = worker.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                for other in workers:
                    other.kill()
                raise RuntimeError(f"the workers did not finish within {timeout:g} s") from None
            if worker.returncode != 0:
                failures.append(f"rank {rank} exited with {worker.returncode}:\n{err.strip()}")
        if failures:
            raise RuntimeError("data-parallel training failed\n" + "\n".join(failures))
        reports = [
            torch.load(Path(folder) / f"rank{rank}.pt", weights_only=True) for rank in range(nprocs)
        ]
    return DataParallelRun(
        world_size=nprocs,
        pids=[r["pid"] for r in reports],
        seconds=[r["seconds"] for r in reports],
        test_accuracy=[r["test_accuracy"] for r in reports],
        first_epoch_indices=[r["first_epoch_indices"] for r in reports],
        weights=[r["weights"] for r in reports],
    )


if __name__ == "__main__":
    main()
