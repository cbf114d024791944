"""Tests of dlguide.training.loop: the one training loop and its batch samplers."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import torch

from dlguide.training import TrainLog, random_batches, shuffled_epochs, train_loop


def _data(n=40, seed=0):
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 3, generator=generator)
    y = (x[:, 0] + 0.5 * x[:, 1] > 0).long()
    return x, y


def _loss_of(model, x, y):
    def batch_loss(batch):
        return torch.nn.functional.cross_entropy(model(x[batch]), y[batch])

    return batch_loss


class TestTrainLoop:
    def test_matches_a_hand_written_loop_step_for_step(self):
        # The reference: the loop every PyTorch tutorial writes, with a scheduler and clipping.
        x, y = _data()
        torch.manual_seed(0)
        model = torch.nn.Sequential(torch.nn.Linear(3, 8), torch.nn.Tanh(), torch.nn.Linear(8, 2))
        reference = copy.deepcopy(model)
        batches = [torch.randperm(40, generator=torch.Generator().manual_seed(e))[:16]
                   for e in range(6)]  # fmt: skip
        optimizer = torch.optim.SGD(model.parameters(), lr=0.3, momentum=0.9)
        scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)
        log = train_loop(model, [batches[:3], batches[3:]], _loss_of(model, x, y), optimizer,
                         scheduler=scheduler, clip=0.5)  # fmt: skip
        ref_opt = torch.optim.SGD(reference.parameters(), lr=0.3, momentum=0.9)
        ref_sched = torch.optim.lr_scheduler.StepLR(ref_opt, step_size=2, gamma=0.5)
        losses = []
        for batch in batches:
            loss = torch.nn.functional.cross_entropy(reference(x[batch]), y[batch])
            ref_opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(reference.parameters(), 0.5)
            ref_opt.step()
            ref_sched.step()
            losses.append(loss.item())
        assert log.losses == losses
        for ours, theirs in zip(model.parameters(), reference.parameters()):
            assert torch.equal(ours, theirs)
        assert log.scores == [] and log.rounds == 0 and log.best_round == 0
        assert not model.training

    def test_validation_after_each_round_in_eval_mode(self):
        x, y = _data()
        model = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.Dropout(0.5))
        modes = []

        def validate():
            modes.append((model.training, torch.is_grad_enabled()))
            return 0.5

        log = train_loop(model, shuffled_epochs(40, 10, epochs=3, seed=0), _loss_of(model, x, y),
                         torch.optim.Adam(model.parameters()), validate=validate)  # fmt: skip
        assert modes == [(False, False)] * 3
        assert log.scored_at == [4, 8, 12] and log.rounds == 3
        assert log.best_round == 1 and log.best_step == 4  # a tie keeps the earliest

    def test_restore_best_and_patience(self):
        x, y = _data()
        torch.manual_seed(1)
        model = torch.nn.Linear(3, 2)
        snapshots = []
        scores = iter([0.5, 0.7, 0.6, 0.65, 0.9])

        def validate():
            snapshots.append(copy.deepcopy(model.state_dict()))
            return next(scores)

        log = train_loop(model, shuffled_epochs(40, 10, epochs=5, seed=0), _loss_of(model, x, y),
                         torch.optim.SGD(model.parameters(), lr=0.5), validate=validate,
                         patience=2, restore_best=True)  # fmt: skip
        # 0.7 in round 2; rounds 3 and 4 bring nothing better: patience 2 stops there
        assert log.scores == [0.5, 0.7, 0.6, 0.65] and log.best_round == 2
        for name, value in model.state_dict().items():
            assert torch.equal(value, snapshots[1][name])

    def test_lower_is_better_and_nan_never_best(self):
        x, y = _data()
        model = torch.nn.Linear(3, 2)
        scores = iter([float("nan"), 2.0, 1.0, 1.5])
        log = train_loop(model, shuffled_epochs(40, 20, epochs=4, seed=0), _loss_of(model, x, y),
                         torch.optim.SGD(model.parameters(), lr=0.1),
                         validate=lambda: next(scores), higher_is_better=False)  # fmt: skip
        assert log.best_round == 3 and log.best_step == 6

    def test_without_restore_the_last_weights_stay(self):
        x, y = _data()
        model = torch.nn.Linear(3, 2)
        snapshots = []
        scores = iter([0.9, 0.1])

        def validate():
            snapshots.append(copy.deepcopy(model.state_dict()))
            return next(scores)

        train_loop(model, shuffled_epochs(40, 20, epochs=2, seed=0), _loss_of(model, x, y),
                   torch.optim.SGD(model.parameters(), lr=0.1), validate=validate)  # fmt: skip
        assert torch.equal(model.weight, snapshots[1]["weight"])  # the last, not the best
        assert not torch.equal(model.weight, snapshots[0]["weight"])

    def test_bad_input(self):
        x, y = _data()
        model = torch.nn.Linear(3, 2)
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        loss = _loss_of(model, x, y)
        rounds = [[torch.arange(4)]]
        with pytest.raises(TypeError, match=r"^model must be a torch\.nn\.Module, got str"):
            train_loop("net", rounds, loss, opt)
        with pytest.raises(TypeError, match=r"^rounds must be an iterable of batch iterables"):
            train_loop(model, 3, loss, opt)
        with pytest.raises(TypeError, match=r"^batch_loss must be a function"):
            train_loop(model, rounds, None, opt)
        with pytest.raises(TypeError, match=r"^optimizer must be a torch\.optim\.Optimizer"):
            train_loop(model, rounds, loss, "adam")
        with pytest.raises(TypeError, match=r"^validate must be a function"):
            train_loop(model, rounds, loss, opt, validate=0.5)
        with pytest.raises(ValueError, match=r"^clip must be positive, got 0"):
            train_loop(model, rounds, loss, opt, clip=0)
        with pytest.raises(ValueError, match=r"^patience must be at least 1, got 0"):
            train_loop(model, rounds, loss, opt, patience=0)
        with pytest.raises(TypeError, match=r"^restore_best must be True or False, got str"):
            train_loop(model, rounds, loss, opt, restore_best="yes")


class TestSamplers:
    def test_shuffled_epochs_cover_every_index_once_per_epoch(self):
        epochs = [[b.tolist() for b in epoch] for epoch in shuffled_epochs(10, 3, epochs=4, seed=2)]
        assert len(epochs) == 4
        for epoch in epochs:
            assert [len(b) for b in epoch] == [3, 3, 3, 1]
            assert sorted(i for b in epoch for i in b) == list(range(10))
        assert epochs[0] != epochs[1]

    def test_shuffled_epochs_draw_like_randperm_when_the_epoch_starts(self):
        generator = torch.Generator().manual_seed(7)
        rounds = shuffled_epochs(6, 4, epochs=2, generator=generator)
        first = torch.cat(list(next(rounds)))
        torch.rand(3, generator=generator)  # another draw from the shared generator in between
        second = torch.cat(list(next(rounds)))
        check = torch.Generator().manual_seed(7)
        assert torch.equal(first, torch.randperm(6, generator=check))
        torch.rand(3, generator=check)
        assert torch.equal(second, torch.randperm(6, generator=check))

    def test_shuffled_epochs_with_numpy_and_with_the_global_generator(self):
        rng = np.random.default_rng(3)
        got = np.concatenate(list(next(shuffled_epochs(7, 2, epochs=1, generator=rng))))
        assert got.tolist() == np.random.default_rng(3).permutation(7).tolist()
        torch.manual_seed(5)
        got = torch.cat(list(next(shuffled_epochs(7, 7, epochs=1))))
        torch.manual_seed(5)
        assert torch.equal(got, torch.randperm(7))

    def test_random_batches_with_and_without_replacement(self):
        rounds = [list(r) for r in random_batches(5, 4, steps=7, every=3, seed=0)]
        assert [len(r) for r in rounds] == [3, 3, 1]
        for batch in (b for r in rounds for b in r):
            assert len(set(batch.tolist())) == 4  # without replacement
        capped = next(random_batches(3, 10, steps=1, seed=0))
        assert sorted(next(capped).tolist()) == [0, 1, 2]  # all of them if there are fewer
        check = torch.Generator().manual_seed(4)
        (drawn,) = random_batches(50, 8, steps=2, replace=True, seed=4)
        for batch in drawn:
            assert torch.equal(batch, torch.randint(0, 50, (8,), generator=check))

    @pytest.mark.parametrize(
        ("call", "error", "message"),
        [
            (lambda: next(shuffled_epochs(0, 2, epochs=1)), ValueError, r"^n must be at least 1"),
            (lambda: next(shuffled_epochs(4, 0, epochs=1)), ValueError, r"^batch_size must be"),
            (lambda: next(shuffled_epochs(4, 2, epochs=0)), ValueError, r"^epochs must be"),
            (lambda: next(shuffled_epochs(4, 2, epochs=1, seed=1, generator=torch.Generator())),
             TypeError, r"^give seed or generator, not both"),
            (lambda: next(shuffled_epochs(4, 2, epochs=1, seed=1,
                                          generator=np.random.default_rng())),
             TypeError, r"^give seed or generator, not both"),
            (lambda: next(shuffled_epochs(4, 2, epochs=1, generator=3)), TypeError,
             r"^generator must be a torch\.Generator"),
            (lambda: next(random_batches(4, 2, steps=0)), ValueError, r"^steps must be at least"),
            (lambda: next(random_batches(4, 2, steps=2, every=0)), ValueError, r"^every must be"),
            (lambda: next(random_batches(4, 2, steps=2, replace=1)), TypeError,
             r"^replace must be True or False"),
            (lambda: next(random_batches(4, 2, steps=2, seed=-1)), ValueError, r"^seed must be"),
        ],
    )  # fmt: skip
    def test_bad_input(self, call, error, message):
        with pytest.raises(error, match=message):
            call()


def test_train_log_counts_validated_rounds():
    assert TrainLog(scores=[0.1, 0.2]).rounds == 2
