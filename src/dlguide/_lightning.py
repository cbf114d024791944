"""Shared Lightning helpers (private): used by `practice.frameworks` and `language.distillation`."""

from __future__ import annotations


class quiet_lightning:
    """Silence Lightning's notes (devices found, data-loader workers, a deprecation) for one fit.

    Lightning logs which accelerators it found, warns that a single-process data
    loader may be a bottleneck, and triggers a deprecation warning inside torch; on a
    CPU with in-memory tensors all three are expected, and the book must not show them.
    """

    _LOGGERS = ("lightning.pytorch", "lightning.fabric")

    def __enter__(self) -> None:
        import logging
        import warnings

        self._warnings = warnings.catch_warnings()
        self._warnings.__enter__()
        warnings.filterwarnings("ignore", message=r".*does not have many workers.*")
        # Lightning 2.6 still builds torch's deprecated LeafSpec (torch >= 2.10 warns).
        warnings.filterwarnings(
            "ignore", message=r".*isinstance\(treespec, LeafSpec\).*", category=FutureWarning
        )
        self._levels = {}
        for name in self._LOGGERS:
            logger = logging.getLogger(name)
            self._levels[name] = logger.level
            logger.setLevel(logging.WARNING)

    def __exit__(self, *exc: object) -> None:
        import logging

        for name, level in self._levels.items():
            logging.getLogger(name).setLevel(level)
        self._warnings.__exit__(*exc)
