"""A cache for the results of a chapter's long experiments, so that a clean build only plots.

A chapter that trains a hundred small models to draw one learning curve pays for
them at every execution, though nothing that determines the numbers has changed.
:func:`remember` keeps such a result beside the trained models (in the model cache,
:func:`dlguide.book.modelcache.model_cache_dir`, as a folder ``result-<name>-<hash>``),
keyed on everything that can change it:

- the code the chapter has run so far in this kernel, the cell that calls
  :func:`remember` included (each cell's syntax tree: comments and layout do not
  count, any edit of what runs does);
- the code of every ``dlguide`` module loaded at the call (:func:`dlguide.book.deps.source_hash`),
  except the few that compute no result (:data:`UNKEYED`), and of every module
  that the computation itself loads (checked again when the result is read);
- the chapter's seed, torch's thread count, the installed package versions and the
  package's data files.

So deleting ``docs/_build`` keeps the results, while editing the chapter's code
above the call, or the training code it runs, computes them again. Outside a
notebook kernel there is no chapter code to key on: :func:`remember` then computes
unless ``code`` is given. ``DLGUIDE_RESULT_CACHE=off`` turns the cache off (the
determinism check does, so that it compares two real executions), and ``nox -s
clear-models`` empties it with the models.

A result is stored with ``pickle``: numbers, arrays, lists and dicts, and trained
torch or Keras models, but not figures. What the computation prints, plots or claims is
not stored, so print, plot and claim outside it. The global random generators
(Python's, NumPy's, torch's and Keras's) are stored as the computation left them and
restored when the result is read back, so the cells after it draw the same numbers
whether it ran or not; the ``dlguide`` modules it loaded are imported, so that a later
result's key is the same whether this one was computed or read.
"""

from __future__ import annotations

import ast
import hashlib
import importlib
import importlib.util
import json
import os
import pickle
import shutil
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from dlguide._checks import check_str, describe

__all__ = ["UNKEYED", "remember", "result_cache_enabled"]

#: The modules that compute no result and so are not part of the key, namely those that
#: present results (the claims every chapter imports, the figures and their style, the
#: tables) and this cache itself. Editing them does not discard the cached results.
UNKEYED = (
    "dlguide.book.results",
    "dlguide.book.buildinfo",
    "dlguide.book.claims",
    "dlguide.book.deps",
    "dlguide.book.objectives",
    "dlguide.book.robustness",
    "dlguide.book.sphinxext",
    "dlguide.book.style",
    "dlguide.plotting",
    "dlguide.tables",
)

_SWITCH = "DLGUIDE_RESULT_CACHE"
_RESULT = "result.pkl"
_LOADED = "loaded.json"


def result_cache_enabled() -> bool:
    """Return False where ``DLGUIDE_RESULT_CACHE`` is ``off`` (or ``0``, ``no``, ``false``).

    Examples
    --------
    >>> import os
    >>> result_cache_enabled() == (os.environ.get("DLGUIDE_RESULT_CACHE", "").lower()
    ...                            not in ("off", "0", "no", "false"))
    True
    """
    return os.environ.get(_SWITCH, "").strip().lower() not in ("off", "0", "no", "false")


def _unkeyed(module: str) -> bool:
    return any(module == name or module.startswith(name + ".") for name in UNKEYED)


def _module_hashes(names: Sequence[str]) -> dict[str, str]:
    """``{module: source hash}`` for the named ``dlguide`` modules that have a source file."""
    from dlguide.book.deps import source_hash

    found = {}
    for name in sorted(names):
        module = sys.modules.get(name)
        origin = getattr(module, "__file__", None)
        if origin is None:
            spec = importlib.util.find_spec(name)
            origin = getattr(spec, "origin", None)
        if origin and os.path.isfile(origin) and origin.endswith(".py"):
            found[name] = source_hash(origin)
    return found


def _loaded_modules() -> set[str]:
    return {
        name
        for name in list(sys.modules)
        if (name == "dlguide" or name.startswith("dlguide.")) and not _unkeyed(name)
    }


_EMPTY = ast.dump(ast.parse(""))


def _cell_code(source: str) -> str:
    """A cell's code as its syntax tree, so that comments and layout do not count."""
    try:
        return ast.dump(ast.parse(source))
    except (SyntaxError, ValueError):
        return source


def _kernel_code() -> str | None:
    """The code this IPython kernel has run so far (the running cell last), or None."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with the book's environment
        return None
    shell = get_ipython()
    if shell is None:
        return None
    code = (_cell_code(cell) for cell in shell.user_ns.get("In", []))
    # Cells without code (comments only, such as the build's fingerprint cell) do not count.
    return "\n\0".join(c for c in code if c != _EMPTY)


def _threads() -> int | None:
    torch = sys.modules.get("torch")
    return torch.get_num_threads() if torch is not None else None


def _key(name: str, code: str) -> tuple[dict[str, Any], dict[str, str]]:
    import dlguide
    from dlguide.book import seeding
    from dlguide.book.deps import environment_hash

    modules = _module_hashes(sorted(_loaded_modules()))
    spec = {
        "name": name,
        "code": hashlib.sha256(code.encode()).hexdigest(),
        "modules": hashlib.sha256(json.dumps(modules, sort_keys=True).encode()).hexdigest(),
        "seed": [os.environ.get(seeding.SEED_VARIABLE, ""), seeding._chapter_seed],
        "threads": _threads(),
        "environment": environment_hash(Path(dlguide.__file__).parent),
    }
    return spec, modules


def _random_state() -> dict[str, Any]:
    """The global random generators' states: Python's, NumPy's, torch's and Keras's."""
    import random

    import numpy as np

    state: dict[str, Any] = {"python": random.getstate(), "numpy": np.random.get_state()}
    if "torch" in sys.modules:
        state["torch"] = sys.modules["torch"].get_rng_state()
    if "keras" in sys.modules:
        from keras import ops
        from keras.src.backend.common import global_state

        generator = global_state.get_global_attribute("global_seed_generator")
        state["keras"] = None if generator is None else ops.convert_to_numpy(generator.state.value)
    return state


def _set_random_state(state: dict[str, Any]) -> None:
    """Put the global generators where :func:`_random_state` found them."""
    import random

    import numpy as np

    random.setstate(state["python"])
    np.random.set_state(state["numpy"])
    if "torch" in state:
        import torch

        torch.set_rng_state(state["torch"])
    if "keras" in state:
        from keras.src.backend.common import global_state
        from keras.src.random.seed_generator import global_seed_generator

        if state["keras"] is None:
            global_state.set_global_attribute("global_seed_generator", None)
        else:
            global_seed_generator().state.assign(state["keras"])


def _fresh(folder: Path) -> bool:
    """Whether the modules the computation loaded still have the code they had."""
    try:
        loaded = json.loads((folder / _LOADED).read_text())
    except (OSError, ValueError):
        return False
    return _module_hashes(list(loaded)) == loaded and (folder / _RESULT).is_file()


def remember(name: str, compute: Callable[[], Any], *, code: str | None = None) -> Any:
    """Return ``compute()``, from the result cache when nothing that determines it changed.

    Parameters
    ----------
    name
        A short name for the result, e.g. ``"image-learning-curves"``; it names the
        cache folder and is part of the key.
    compute
        A function of no arguments that computes the result. It should return numbers,
        arrays, trained models, or lists, tuples and dicts of them (anything ``pickle``
        stores); it should not print, plot or claim, since a cached result skips it.
    code
        The code that determines the result. In a notebook kernel, leave it out: the
        code the chapter has run so far is used. Outside one, no cache is used unless
        it is given.

    Examples
    --------
    >>> calls = []
    >>> def compute():
    ...     calls.append(1)
    ...     return {"scores": [0.5, 0.75]}
    >>> first = remember("doctest-demo", compute, code="scores = [0.5, 0.75]")
    >>> again = remember("doctest-demo", compute, code="scores = [0.5, 0.75]")
    >>> again == first == {"scores": [0.5, 0.75]}, len(calls) <= 1 or not result_cache_enabled()
    (True, True)
    """
    from dlguide.book.modelcache import cached_folder

    check_str("name", name)
    if not callable(compute):
        raise TypeError(f"compute must be a function of no arguments, got {describe(compute)}")
    code = _kernel_code() if code is None else _cell_code(check_str("code", code))
    if code is None or not result_cache_enabled():
        return compute()
    spec, modules = _key(name, code)
    computed: list[Any] = []

    def build(folder: Path) -> None:
        before = _loaded_modules()
        value = compute()
        try:
            data = pickle.dumps((value, _random_state()), protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, TypeError, AttributeError) as error:
            raise TypeError(
                f"remember({name!r}): the result cannot be stored ({error}); return numbers, "
                "arrays, models, or lists and dicts of them, not figures or generators"
            ) from None
        (folder / _RESULT).write_bytes(data)
        used = sorted(modules.keys() | (_loaded_modules() - before))
        (folder / _LOADED).write_text(json.dumps(_module_hashes(used), indent=1, sort_keys=True))
        computed.append(value)

    folder = cached_folder(f"result-{name}", spec, build)
    if computed:
        return computed[0]
    if not _fresh(folder):  # a module the computation loaded was edited since
        shutil.rmtree(folder, ignore_errors=True)
        folder = cached_folder(f"result-{name}", spec, build)
        if computed:
            return computed[0]
    value, state = pickle.loads((folder / _RESULT).read_bytes())
    # As if compute had run: later cells draw the same random numbers, and find loaded the
    # modules it loaded (they are part of the key of any later result).
    _set_random_state(state)
    for module in json.loads((folder / _LOADED).read_text()):
        importlib.import_module(module)
    return value
