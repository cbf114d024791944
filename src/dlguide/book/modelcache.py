"""An on-disk cache for trained models that several chapters share.

A model that two chapters need (the fine-tuned sentiment classifier, say) is
trained once, by one function, and stored in a folder whose name is a hash of
everything that determines it: the data, the hyperparameters, the seed, the
versions of the packages that train it, and the source of the ``dlguide`` modules
whose code trains it. A chapter that finds the folder loads it; otherwise it trains
and stores. Chapters therefore do not depend on the order in which the book builds
them, and a change to any input, the training code included, trains afresh: a
stale model cannot outlive the code that made it.

The cache lives in the folder named by the environment variable
``DLGUIDE_MODEL_CACHE`` or, by default, in the user's cache folder:
``$XDG_CACHE_HOME/dlguide/models`` (``~/.cache/dlguide/models`` when
``XDG_CACHE_HOME`` is unset). So a clean build (``rm -rf docs/_build``) does not
retrain the models; ``nox -s clear-models`` empties the cache.

Two chapters executing at the same time may ask for the same model: a lock file
beside the cache entry lets one of them train it while the other waits, then
reads it.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from dlguide._checks import check_real, check_str, describe

__all__ = ["cache_key", "cached_folder", "default_model_cache_dir", "model_cache_dir"]

#: Packages whose versions are part of every cache key.
KEY_PACKAGES = ("torch", "transformers", "tokenizers", "numpy", "scikit-learn")


def default_model_cache_dir() -> Path:
    """Return where the cache lives: ``$DLGUIDE_MODEL_CACHE``, else the user's cache folder.

    The user's cache folder is ``$XDG_CACHE_HOME/dlguide/models``, or
    ``~/.cache/dlguide/models`` when ``XDG_CACHE_HOME`` is unset or empty. Nothing
    is created.

    Examples
    --------
    >>> import os
    >>> mine = os.environ.get("DLGUIDE_MODEL_CACHE")
    >>> default_model_cache_dir() == Path(mine) if mine else default_model_cache_dir().parts[-2:]
    ('dlguide', 'models')
    """
    folder = os.environ.get("DLGUIDE_MODEL_CACHE")
    if folder:
        return Path(folder)
    xdg = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(xdg) / "dlguide" / "models"


def model_cache_dir() -> Path:
    """Return the cache folder (see :func:`default_model_cache_dir`), created.

    Examples
    --------
    >>> model_cache_dir().is_dir()
    True
    """
    path = default_model_cache_dir()
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextlib.contextmanager
def _locked(path: Path):
    """Hold an exclusive lock on the file ``path`` (created) while the block runs.

    The lock files stay (in ``.locks`` beside the models): deleting one that another
    process is waiting on would let a third take a new lock at the same time.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # waits while another process holds it
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _versions() -> dict[str, str]:
    found = {}
    for name in KEY_PACKAGES:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found[name] = "absent"
    return found


def _code_fingerprint(code: Sequence[str]) -> str | None:
    """Return a hash of the named modules' code (None for no modules).

    Each file contributes its name and the hash of its code without docstrings and
    comments (:func:`dlguide.book.deps.source_hash`, which keys the chapters too), so
    editing a docstring of the training code does not retrain a model; editing its code
    does.
    """
    from dlguide.book.deps import source_hash

    if isinstance(code, str) or not isinstance(code, Sequence):
        raise TypeError(f"code must be a list or tuple of module names, got {describe(code)}")
    files = []
    for i, name in enumerate(code):
        check_str(f"code[{i}]", name)
        try:
            origin = getattr(importlib.util.find_spec(name), "origin", None)
        except (ImportError, ValueError):
            origin = None
        if origin is None or not os.path.isfile(origin):
            raise ValueError(f"code[{i}] names {name!r}, which is not a module with a source file")
        files.append(Path(origin))
    if not files:
        return None
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + source_hash(path).encode() + b"\0")
    return digest.hexdigest()


def cache_key(name: str, spec: Mapping[str, Any], *, code: Sequence[str] = ()) -> str:
    """Return ``name`` plus a hash of ``spec``, of ``code`` and of the installed package versions.

    Parameters
    ----------
    name
        A short readable prefix, e.g. ``"sentiment-minilm"``.
    spec
        Everything that determines the result, as JSON-serialisable values (data
        hashes, hyperparameters, the seed).
    code
        Names of the modules whose source determines the result (the training loop,
        the tokenisation, the seeding); an edit to any of them changes the key.

    Examples
    --------
    >>> a = cache_key("demo", {"lr": 1e-3, "seed": 0})
    >>> a.startswith("demo-"), a == cache_key("demo", {"seed": 0, "lr": 1e-3})
    (True, True)
    >>> a == cache_key("demo", {"lr": 1e-3, "seed": 1})
    False
    >>> a == cache_key("demo", {"lr": 1e-3, "seed": 0}, code=["dlguide.book.modelcache"])
    False
    """
    check_str("name", name)
    if not isinstance(spec, Mapping):
        raise TypeError(f"spec must be a mapping, got {describe(spec)}")
    if not spec:
        raise ValueError("spec must not be empty: it is what tells one cached model from another")
    _check_json("spec", spec)
    keyed: dict[str, Any] = {"spec": spec, "versions": _versions()}
    source = _code_fingerprint(code)
    if source is not None:  # keys made without code stay as they were
        keyed["code"] = source
    text = json.dumps(keyed, sort_keys=True)
    return f"{name}-{hashlib.sha256(text.encode()).hexdigest()[:16]}"


def _check_json(name: str, value: Any) -> None:
    """Raise unless ``value`` is made of JSON values only, with finite numbers."""
    if value is None or isinstance(value, (str, bool)):
        return
    if isinstance(value, (int, float)):
        check_real(name, value)
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            _check_json(f"{name}[{i}]", item)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{name} must have string keys, got {describe(key)}")
            _check_json(f"{name}[{key!r}]", item)
    else:
        raise TypeError(
            f"{name} must hold only JSON values (numbers, strings, lists, mappings), got "
            f"{describe(value)}"
        )


def cached_folder(
    name: str, spec: Mapping[str, Any], build: Callable[[Path], None], *, code: Sequence[str] = ()
) -> Path:
    """Return the cached folder for ``(name, spec, code)``, calling ``build(folder)`` if absent.

    ``build`` writes the model into the (empty) folder it is given; the folder is
    moved into place only when ``build`` returns, so an interrupted build leaves
    nothing behind. ``spec`` is stored beside the model as ``spec.json``; ``code``
    names the modules whose source is part of the key (see :func:`cache_key`).

    Examples
    --------
    >>> calls = []
    >>> def build(folder):
    ...     calls.append(1)
    ...     (folder / "weights.txt").write_text("42")
    >>> spec = {"example": "cached_folder doctest", "n": 1}
    >>> folder = cached_folder("demo", spec, build)
    >>> folder = cached_folder("demo", spec, build)
    >>> (folder / "weights.txt").read_text(), len(calls) <= 1
    ('42', True)
    """
    if not callable(build):
        raise TypeError(f"build must be callable, got {describe(build)}")
    key = cache_key(name, spec, code=code)
    root = model_cache_dir()
    final = root / key
    if (final / "spec.json").is_file():
        return final
    # One process trains; another that asks for the same model meanwhile waits here,
    # then finds the finished folder.
    with _locked(root / ".locks" / f"{key}.lock"):
        if (final / "spec.json").is_file():
            return final
        work = Path(tempfile.mkdtemp(prefix=f".{key}-", dir=root))
        try:
            build(work)
            (work / "spec.json").write_text(json.dumps(dict(spec), indent=1, sort_keys=True))
            if (final / "spec.json").is_file():
                # Finished meanwhile by a process that did not take the lock (an older
                # dlguide): keep theirs, which a chapter may be reading, and drop this copy.
                return final
            if final.exists():  # a leftover without spec.json: not a finished model
                shutil.rmtree(final, ignore_errors=True)
            os.replace(work, final)
        finally:
            if work.exists():
                shutil.rmtree(work, ignore_errors=True)
    return final
