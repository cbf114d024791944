"""Per-chapter cache keys: a chapter re-executes only when code it imported changed.

A chapter's execution-cache key (the hidden cell that :mod:`dlguide.book.sphinxext`
adds to it) is made of

- the versions of every installed package, and the package's data files (the figure
  style, for one), which every chapter may read; and
- the code of the ``dlguide`` modules that the chapter imported, directly or not,
  the last time it executed (:func:`source_hash`: their syntax tree, so an edit of a
  docstring, a comment or the layout does not count; an edit of what runs does).

At the end of each execution the chapter's kernel calls :func:`record_imports`,
which writes the imported modules and a hash of each one's source into a small JSON
record. The next build calls :func:`chapter_key`: while every recorded module
still has the recorded hash, the key stays the one the chapter executed with, and
the execution cache serves its outputs; once one of them changes (or a package
version, or a data file), the key changes and the chapter executes again, and a new
record is written. A chapter without a record (never executed here) is keyed on
the whole package, so it executes.

So editing a module that one chapter imports re-executes that chapter alone, and
editing one that every chapter imports (the claims, the seeding) re-executes them
all. Only imports are seen: a module the chapter never imported cannot have
produced any of its outputs.

A file that a chapter reads and that is not part of the package (the robustness
record, for one) is a dependency too once the code that reads it calls
:func:`note_file`: it is recorded with its hash, and an edit of it re-executes the
chapter.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path

from dlguide._checks import check_str, describe

__all__ = [
    "RECORD_VERSION",
    "chapter_key",
    "environment_hash",
    "installed_versions",
    "note_file",
    "record_imports",
    "record_path",
    "source_hash",
]

#: Bumped when the record's format changes; an old record is then ignored.
#: 2: modules are hashed by :func:`~dlguide.book.deps.source_hash` (their code), not by
#: their bytes.
RECORD_VERSION = 2


#: Files outside the package that the running chapter read (see :func:`note_file`).
_files_read: set[str] = set()


def note_file(path: str | os.PathLike[str]) -> None:
    """Make the file at ``path`` a dependency of the chapter that is executing.

    Code that reads a file outside the package on a chapter's behalf calls this;
    :func:`record_imports` then records the file's hash, and the next build
    re-executes the chapter when the file changed, appeared or disappeared.

    Examples
    --------
    >>> import json, tempfile
    >>> from pathlib import Path
    >>> data = Path(tempfile.mkdtemp()) / "data.json"
    >>> _ = data.write_text("{}")
    >>> note_file(data)
    >>> path = record_imports("demo/01-x", "k", folder=tempfile.mkdtemp())
    >>> str(data.resolve()) in json.loads(path.read_text())["files"]
    True
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a path, got {describe(path)}")
    if not os.fspath(path):
        raise ValueError("path must not be empty")
    _files_read.add(str(Path(path).resolve()))


def source_hash(path: str | os.PathLike[str]) -> str:
    """Return a SHA-256 of the code in the Python file at ``path``, not of its text.

    The hash is over the file's syntax tree with every docstring (of the module, its
    classes and functions) removed, so editing a docstring or a comment, or
    re-wrapping lines, leaves it unchanged, and any edit of the code changes it. A
    file that does not parse is hashed by its bytes.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> module = Path(tempfile.mkdtemp()) / "m.py"
    >>> _ = module.write_text("def f(x):\\n    'Double x.'\\n    return 2 * x\\n")
    >>> before = source_hash(module)
    >>> _ = module.write_text("def f(x):\\n    'Twice x.'  # a comment\\n    return 2 * x\\n")
    >>> source_hash(module) == before
    True
    >>> _ = module.write_text("def f(x):\\n    'Return twice x.'\\n    return 3 * x\\n")
    >>> source_hash(module) == before
    False
    """
    import ast

    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a path, got {describe(path)}")
    if not os.fspath(path):
        raise ValueError("path must not be empty")
    if not Path(path).is_file():
        raise ValueError(f"path must be an existing file, got {os.fspath(path)!r}")
    data = Path(path).read_bytes()
    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError):
        return _sha256(data)
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):  # noqa: SIM102
                if isinstance(body[0].value.value, str):
                    node.body = body[1:] or [ast.Pass()]
    return _sha256(ast.dump(tree).encode())


def _file_hash(path: str) -> str:
    file = Path(path)
    return _sha256(file.read_bytes()) if file.is_file() else "missing"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _python_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts)


def _data_files(root: Path) -> list[Path]:
    return sorted(
        p
        for p in root.rglob("*")
        if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts
    )


def installed_versions() -> str:
    """Return every installed distribution as ``name==version``, one per line, sorted.

    Examples
    --------
    >>> "numpy==" in installed_versions()
    True
    """
    return "\n".join(
        sorted(
            f"{dist.metadata['Name']}=={dist.version}".lower()
            for dist in importlib.metadata.distributions()
            if dist.metadata["Name"]
        )
    )


def environment_hash(package_root: str | os.PathLike[str], *, packages: bool = True) -> str:
    """Return a hash of the installed package versions and of the package's data files.

    This is the part of every chapter's key that does not depend on what the chapter
    imported.

    Parameters
    ----------
    package_root
        The package's folder (the one holding its ``__init__.py``).
    packages
        Include the name and version of every installed distribution.

    Examples
    --------
    >>> from pathlib import Path
    >>> import dlguide
    >>> root = Path(dlguide.__file__).parent
    >>> environment_hash(root) == environment_hash(root)
    True
    """
    root = _package_root(package_root)
    digest = hashlib.sha256()
    for path in _data_files(root):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    if packages:
        digest.update(installed_versions().encode())
    return digest.hexdigest()


def _package_root(package_root: str | os.PathLike[str]) -> Path:
    if not isinstance(package_root, (str, os.PathLike)):
        raise TypeError(f"package_root must be a path, got {describe(package_root)}")
    root = Path(package_root)
    if not (root / "__init__.py").is_file():
        raise ValueError(f"package_root must be a package folder with an __init__.py, got {root}")
    return root


def record_path(folder: str | os.PathLike[str], doc: str) -> Path:
    """Return the file that holds the record of chapter ``doc`` (e.g. ``"foundations/01-x"``).

    Examples
    --------
    >>> record_path("/tmp/deps", "foundations/01-what").name
    'foundations--01-what.json'
    """
    check_str("doc", doc)
    if not isinstance(folder, (str, os.PathLike)):
        raise TypeError(f"folder must be a path, got {describe(folder)}")
    if not os.fspath(folder):
        raise ValueError("folder must not be empty")
    return Path(folder) / (doc.replace("/", "--") + ".json")


def record_imports(
    doc: str,
    key: str,
    *,
    environment: str = "",
    folder: str | os.PathLike[str] | None = None,
    package: str = "dlguide",
    modules: Mapping[str, object] | None = None,
) -> Path:
    """Record which modules of ``package`` are imported now, with a hash of each one's source.

    The book's build calls this in a hidden last cell of every chapter.

    Parameters
    ----------
    doc
        The chapter's document name.
    key
        The cache key the chapter executed with (kept, so that the next build can
        reuse it while the recorded sources are unchanged).
    environment
        The :func:`environment_hash` the key was made with.
    folder
        Where records go; default ``$DLGUIDE_DEPS_DIR``.
    package
        The top-level package whose modules are recorded.
    modules
        The module table to read (default ``sys.modules``).

    Returns
    -------
    Path
        The record's file.

    Examples
    --------
    >>> import json, tempfile
    >>> import dlguide.book.claims
    >>> path = record_imports("demo/01-x", "k", folder=tempfile.mkdtemp())
    >>> "book/claims.py" in json.loads(path.read_text())["modules"]
    True
    """
    check_str("doc", doc)
    check_str("key", key)
    if not isinstance(environment, str):
        raise TypeError(f"environment must be a string, got {describe(environment)}")
    check_str("package", package)
    if folder is None:
        folder = os.environ.get("DLGUIDE_DEPS_DIR")
        if not folder:
            raise ValueError("folder not given and DLGUIDE_DEPS_DIR is not set")
    target = record_path(folder, doc)  # checks folder
    table = sys.modules if modules is None else modules
    hashes = {}
    top_file = getattr(table.get(package), "__file__", None)
    if top_file is not None:  # a chapter that never imported the package depends on none of it
        root = Path(top_file).parent
        for name, module in sorted(table.items()):
            if name != package and not name.startswith(package + "."):
                continue
            file = getattr(module, "__file__", None)
            if file is None or not file.endswith(".py") or not os.path.isfile(file):
                continue
            path = Path(file)
            try:
                relative = path.relative_to(root).as_posix()
            except ValueError:
                continue  # a module loaded from elsewhere under the same name
            hashes[relative] = source_hash(path)
    record = {
        "version": RECORD_VERSION,
        "doc": doc,
        "key": key,
        "environment": environment,
        "modules": hashes,
        "files": {path: _file_hash(path) for path in sorted(_files_read)},
    }
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".tmp")
    partial.write_text(json.dumps(record, indent=1, sort_keys=True))
    os.replace(partial, target)
    return target


def chapter_key(
    doc: str,
    *,
    folder: str | os.PathLike[str],
    package_root: str | os.PathLike[str],
    environment: str,
) -> str:
    """Return the cache key of chapter ``doc``.

    The recorded key when the chapter's record exists and every module it lists
    still has the recorded source, for the same ``environment``
    (:func:`environment_hash`); otherwise a new key over the current sources of the
    recorded modules (or, without a record, of every module in the package).

    Parameters
    ----------
    doc
        The chapter's document name.
    folder
        Where :func:`record_imports` wrote the records.
    package_root
        The package's folder.
    environment
        The value of :func:`environment_hash` now.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import dlguide
    >>> root, deps = Path(dlguide.__file__).parent, tempfile.mkdtemp()
    >>> first = chapter_key("demo/01-x", folder=deps, package_root=root, environment="e")
    >>> _ = record_imports("demo/01-x", first, environment="e", folder=deps)
    >>> first == chapter_key("demo/01-x", folder=deps, package_root=root, environment="e")
    True
    >>> first == chapter_key("demo/01-x", folder=deps, package_root=root, environment="f")
    False
    """
    check_str("doc", doc)
    check_str("environment", environment)
    root = _package_root(package_root)
    record = _read_record(record_path(folder, doc))
    digest = hashlib.sha256(f"dlguide-chapter-key {RECORD_VERSION}\n{environment}\n".encode())
    if record is None:
        digest.update(b"no record: the whole package\n")
        files = [p.relative_to(root).as_posix() for p in _python_files(root)]
    else:
        files = sorted(record["modules"])
    current = {}
    for relative in files:
        path = root / relative
        current[relative] = source_hash(path) if path.is_file() else "missing"
    read_before = {} if record is None else record.get("files") or {}
    read_now = {path: _file_hash(path) for path in read_before}
    if (
        record is not None
        and record.get("environment") == environment
        and current == record["modules"]
        and read_now == read_before
    ):
        return record["key"]
    for relative, value in current.items():
        digest.update(f"{relative} {value}\n".encode())
    for path, value in read_now.items():
        digest.update(f"file {path} {value}\n".encode())
    return digest.hexdigest()


def _read_record(path: Path) -> dict | None:
    try:
        record = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if (
        not isinstance(record, dict)
        or record.get("version") != RECORD_VERSION
        or not isinstance(record.get("key"), str)
        or not isinstance(record.get("modules"), dict)
    ):
        return None
    return record
