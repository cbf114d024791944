"""Input checks shared by the public functions of :mod:`dlguide`.

Every public function validates its arguments at the door, so that a reader who
passes the wrong thing gets one sentence that names the argument, what was
expected and what was received, instead of a traceback from inside NumPy or
PyTorch.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np


def describe(value: Any) -> str:
    """Return a short description of ``value`` for error messages."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if hasattr(value, "shape") and hasattr(value, "dtype"):
        return f"a {type(value).__name__} of shape {tuple(value.shape)}"
    text = repr(value)
    if len(text) > 40:
        text = text[:37] + "..."
    return f"{type(value).__name__} {text}"


def check_real(name: str, value: Any, *, allow_nan: bool = False) -> float:
    """Return ``value`` as a float, or raise if it is not a real number.

    Booleans are refused: ``True`` is almost always a mistake where a number is meant.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {describe(value)}")
    result = float(value)
    if not allow_nan and not np.isfinite(result):
        raise ValueError(f"{name} must be a finite number, got {result}")
    return result


def check_int(name: str, value: Any, *, minimum: int | None = None) -> int:
    """Return ``value`` as an int, or raise if it is not a whole number >= minimum."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {describe(value)}")
    result = int(value)
    if minimum is not None and result < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {result}")
    return result


def check_ints(name: str, value: Any, *, minimum: int | None = None, min_len: int = 1) -> list[int]:
    """Return ``value``, a list or tuple of whole numbers >= ``minimum``, as a list of ints.

    Layer widths, channel counts, kernel sizes: the list must hold at least ``min_len``
    entries, and an entry that is wrong is named by its index (``sizes[2]``).
    """
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise TypeError(f"{name} must be a list or tuple of integers, got {describe(value)}")
    if len(value) < min_len:
        wanted = "an integer" if min_len == 1 else f"{min_len} integers"
        raise ValueError(f"{name} must hold at least {wanted}, got {value!r}")
    return [check_int(f"{name}[{i}]", n, minimum=minimum) for i, n in enumerate(value)]


def check_str(name: str, value: Any, *, choices: Sequence[str] | None = None) -> str:
    """Return ``value`` if it is a non-empty string (and one of ``choices``)."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, got {describe(value)}")
    if not value:
        raise ValueError(f"{name} must not be empty")
    if choices is not None and value not in choices:
        options = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {options}, got {value!r}")
    return value


def check_array(
    name: str,
    value: Any,
    *,
    ndim: int | tuple[int, ...] | None = None,
    kind: str = "numeric",
    min_len: int = 1,
) -> np.ndarray:
    """Return ``value`` as a NumPy array after checking it.

    Parameters
    ----------
    name
        The argument's name, used in the error message.
    value
        A NumPy array (lists are refused: the shape of a ragged list is ambiguous).
    ndim
        The required number of dimensions, or a tuple of allowed numbers.
    kind
        ``"numeric"`` (integers or floats, no NaN or infinity), ``"integer"``
        (integer dtype) or ``"any"``.
    min_len
        The smallest allowed length of the first axis.
    """
    if kind not in ("numeric", "integer", "any"):
        raise ValueError(f"kind must be 'numeric', 'integer' or 'any', got {kind!r}")
    if not isinstance(value, np.ndarray):
        raise TypeError(f"{name} must be a NumPy array, got {describe(value)}")
    _check_ndim(name, value, ndim, "array")
    if value.ndim and value.shape[0] < min_len:
        raise ValueError(f"{name} must have at least {min_len} rows, got shape {value.shape}")
    if kind == "integer":
        if not np.issubdtype(value.dtype, np.integer):
            raise TypeError(f"{name} must have an integer dtype, got {value.dtype}")
    elif kind == "numeric":
        if not (np.issubdtype(value.dtype, np.integer) or np.issubdtype(value.dtype, np.floating)):
            raise TypeError(f"{name} must have a numeric dtype, got {value.dtype}")
        if np.issubdtype(value.dtype, np.floating) and not np.all(np.isfinite(value)):
            raise ValueError(f"{name} contains NaN or infinite values")
    return value


def _check_ndim(name: str, value: Any, ndim: int | tuple[int, ...] | None, noun: str) -> None:
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else ndim
        if value.ndim not in allowed:
            wanted = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(f"{name} must be a {wanted} {noun}, got shape {tuple(value.shape)}")


def check_same_length(**arrays: np.ndarray) -> None:
    """Raise if the first axes of the named arrays differ."""
    lengths = {name: len(a) for name, a in arrays.items()}
    if len(set(lengths.values())) > 1:
        listed = ", ".join(f"{name} has {n}" for name, n in lengths.items())
        raise ValueError(f"expected the same number of rows: {listed}")


def check_tensor(
    name: str, value: Any, *, ndim: int | tuple[int, ...] | None = None, min_len: int = 1
) -> Any:
    """Return ``value`` after checking it is a finite float ``torch.Tensor``.

    The tensor twin of :func:`check_array`: the dtype must be floating point, the
    number of dimensions ``ndim`` (if given), the first axis at least ``min_len``
    long, and every value finite (a NaN input would train or predict silently on
    garbage).
    """
    import torch

    if not isinstance(value, torch.Tensor) or not value.is_floating_point():
        raise TypeError(f"{name} must be a float torch.Tensor, got {describe(value)}")
    _check_ndim(name, value, ndim, "tensor")
    if value.ndim == 0 or value.shape[0] < min_len:
        raise ValueError(
            f"{name} must have at least {min_len} rows, got shape {tuple(value.shape)}"
        )
    if not bool(torch.isfinite(value).all()):
        raise ValueError(f"{name} contains NaN or infinite values")
    return value


def model_outputs(model: Any, name: str, x: Any) -> int:
    """Return how many outputs ``model`` gives per example of ``x`` (a 2-D result).

    Runs the model once, on the first example, in evaluation mode and without
    gradients, so that an input of the wrong shape is reported naming ``name``
    instead of failing deep inside PyTorch.
    """
    import torch

    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {describe(model)}")
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            out = model(x[:1])
    except (RuntimeError, ValueError, IndexError) as error:
        first = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise ValueError(
            f"{name} has shape {tuple(x.shape)}, which the model cannot take ({first})"
        ) from None
    finally:
        model.train(was_training)
    if not isinstance(out, torch.Tensor) or out.ndim != 2:
        raise ValueError(
            f"the model must map {name} to a 2-D tensor of class scores, got {describe(out)}"
        )
    return int(out.shape[1])


def check_token_ids(name: str, value: Any, *, vocab_size: int | None = None) -> Any:
    """Return ``value`` after checking it is an integer tensor of token ids, ``(batch, time)``.

    Ids must lie in ``[0, vocab_size)`` when ``vocab_size`` is given, and the batch
    must not be empty.
    """
    import torch

    if not isinstance(value, torch.Tensor) or value.is_floating_point() or value.is_complex():
        raise TypeError(
            f"{name} must be an integer torch.Tensor of token ids, got {describe(value)}"
        )
    if value.ndim != 2:
        raise ValueError(f"{name} must have shape (batch, time), got {tuple(value.shape)}")
    if value.numel() == 0:
        raise ValueError(f"{name} must not be empty, got shape {tuple(value.shape)}")
    if vocab_size is not None and (int(value.min()) < 0 or int(value.max()) >= vocab_size):
        raise ValueError(
            f"{name} must hold ids from 0 to {vocab_size - 1}, got values from "
            f"{int(value.min())} to {int(value.max())}"
        )
    return value


def check_positive(name: str, value: Any) -> float:
    """Return ``value`` as a float, or raise if it is not a real number above zero.

    The check every learning rate, temperature, step size and time limit needs.
    """
    result = check_real(name, value)
    if result <= 0:
        raise ValueError(f"{name} must be positive, got {result}")
    return result


def check_class_ids(
    name: str, value: Any, n_classes: int | None = None, *, counted: str = "classes"
) -> np.ndarray:
    """Return ``value`` as a 1-D int64 array of class ids, ``0`` to ``n_classes - 1``.

    ``value`` must be a non-empty 1-D NumPy array of an integer dtype; without
    ``n_classes`` the ids only need to be non-negative. ``counted`` names what
    ``n_classes`` counts in the message (``"classes"``, or for example ``"outputs"``
    when the number comes from a model).
    """
    ids = check_array(name, value, ndim=1, kind="integer").astype(np.int64)
    low, high = int(ids.min()), int(ids.max())
    if n_classes is None:
        if low < 0:
            raise ValueError(
                f"{name} must hold class ids 0, 1, 2, ..., got values from {low} to {high}"
            )
    elif low < 0 or high >= n_classes:
        raise ValueError(
            f"{name} must hold class ids from 0 to {n_classes - 1} ({n_classes} {counted}), "
            f"got values from {low} to {high}"
        )
    return ids


def check_texts(name: str, value: Any) -> list[str]:
    """Return ``value`` (texts, or names) as a list of strings, or raise.

    A single string is refused (it is almost always one text where a list was
    meant), as is anything that is not a sequence (``TypeError``) and an empty
    list (``ValueError``).
    """
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise TypeError(f"{name} must be a list of strings, got {describe(value)}")
    if len(value) == 0:
        raise ValueError(f"{name} must not be empty, got an empty {type(value).__name__}")
    for i, text in enumerate(value):
        if not isinstance(text, str):
            raise TypeError(f"{name}[{i}] must be a string, got {describe(text)}")
    return list(value)


def as_checked_array(name: str, value: Any, **checks: Any) -> np.ndarray:
    """Return ``value`` (an array, a list or a pandas Series) as an array checked by check_array."""
    if not (isinstance(value, (list, tuple)) or hasattr(value, "__array__")):
        raise TypeError(f"{name} must be an array (or a list), got {describe(value)}")
    return check_array(name, np.asarray(value), **checks)


def check_bool(name: str, value: Any) -> bool:
    """Return ``value`` as a bool, or raise if it is not ``True`` or ``False``."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {describe(value)}")
    return bool(value)
