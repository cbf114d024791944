"""No chapter types a seed: every random draw follows the chapter's seed.

``dlguide.start_chapter`` sets one seed per chapter (0, or ``DLGUIDE_SEED`` for a whole
build), and ``dlguide.chapter_seed()`` returns it. A chapter that writes ``seed=0``,
``random_state=0``, ``torch.manual_seed(0)``, ``np.random.default_rng(1)`` or loops over
``for seed in (0, 1, 2)`` keeps that draw fixed when the build changes the seed, so a claim
that holds only for the typed seed would go unnoticed. Chapters write ``SEED = chapter_seed()``
once and then ``seed=SEED``, ``SEED + 1`` or ``[SEED + k for k in range(3)]``.

The check reads the code cells with the MyST reader the other chapter checks share
(``tests/chapters.py``) and finds, with ``ast``:

* a call of a seeding function (``manual_seed``, ``set_random_seed``, ``default_rng``,
  ``seed``, ``RandomState``, ``seed_everything``, ``SeedGenerator``) whose argument is a
  whole-number literal (or a list or tuple of them);
* a keyword argument ``seed``, ``seeds`` or ``random_state`` given such a literal, or given
  the variable of a loop over literals (``for s in (1, 2, 3): train(seed=s)``);
* a name or dictionary key containing ``seed`` bound to such a literal, or a loop over
  literals whose variable's name contains ``seed``;
* a function a cell defines whose ``seed`` (``seeds``, ``random_state``) defaults to one.
"""

from __future__ import annotations

import ast

import pytest
from chapters import PAGES, page_id, read, read_page

SEED_FUNCTIONS = {
    "manual_seed", "set_random_seed", "default_rng", "seed", "RandomState",
    "seed_everything", "SeedGenerator",
}  # fmt: skip
SEED_KEYWORDS = {"seed", "seeds", "random_state"}
CHAPTERS = [p for p in PAGES if read_page(p).code_cells]


def _literal(node: ast.AST | None) -> bool:
    """Whether ``node`` is a whole-number literal, a list/tuple/set or ``range`` of them."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        node = node.operand
    if isinstance(node, ast.Constant):
        return isinstance(node.value, int) and not isinstance(node.value, bool)
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return bool(node.elts) and all(_literal(e) for e in node.elts)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "range":
        return bool(node.args) and all(_literal(a) for a in node.args)
    return False


def _names(target: ast.AST) -> list[str]:
    return [n.id for n in ast.walk(target) if isinstance(n, ast.Name)]


def typed_seeds(source: str) -> list[tuple[int, str]]:
    """The (line, code) of every typed seed in one code cell's source."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    lines = source.split("\n")
    loop_names: set[str] = set()
    found: list[int] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.For | ast.comprehension) and _literal(node.iter):
            names = _names(node.target)
            loop_names.update(names)
            if any("seed" in n.lower() for n in names):
                found.append(node.iter.lineno)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name in SEED_FUNCTIONS and any(_literal(a) for a in node.args):
                found.append(node.lineno)
            for keyword in node.keywords:
                if keyword.arg in SEED_KEYWORDS and (
                    _literal(keyword.value)
                    or (isinstance(keyword.value, ast.Name) and keyword.value.id in loop_names)
                ):
                    found.append(keyword.value.lineno)
        elif isinstance(node, ast.Assign | ast.AnnAssign) and _literal(node.value):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any("seed" in n.lower() for t in targets for n in _names(t)):
                found.append(node.lineno)
        elif isinstance(node, ast.FunctionDef | ast.Lambda):
            args = node.args
            positional = args.posonlyargs + args.args
            pairs = list(zip(positional[len(positional) - len(args.defaults) :], args.defaults))
            pairs += list(zip(args.kwonlyargs, args.kw_defaults))
            for arg, default in pairs:
                if arg.arg in SEED_KEYWORDS and _literal(default):
                    found.append(default.lineno)
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values):
                if (
                    isinstance(key, ast.Constant)
                    and isinstance(key.value, str)
                    and "seed" in key.value.lower()
                    and _literal(value)
                ):
                    found.append(value.lineno)
    return [(line, lines[line - 1].strip()) for line in sorted(set(found))]


@pytest.mark.parametrize("page", CHAPTERS, ids=page_id)
def test_chapter_types_no_seed(page):
    found = [
        f"line {start + line - 1}: {code}"
        for start, source in read_page(page).code_cells
        for line, code in typed_seeds(source)
    ]
    assert found == [], (
        f"{page_id(page)} types seeds in its code cells; use SEED = dlguide.chapter_seed() "
        "and SEED, SEED + k or [SEED + k for k in range(n)] instead"
    )


@pytest.mark.parametrize(
    "code",
    [
        "torch.manual_seed(0)",
        "keras.utils.set_random_seed(0)",
        "rng = np.random.default_rng(1)",
        "np.random.seed(3)",
        "g = torch.Generator().manual_seed(7)",
        "x = init_mlp([2, 1], seed=0)",
        "split(X, y, random_state=0)",
        "curve = learning_curve(base, sizes, seeds=(0, 1))",
        "for seed in (0, 1, 2):\n    pass",
        "runs = [train(seed=s) for s in (1, 2, 3)]",
        "for s in range(3):\n    fit(random_state=s)",
        "setup = {'sizes': [25, 50], 'seeds': [0, 1, 2]}",
        "seeds = [0, 1, 2]",
        "dlguide.start_chapter('demo', seed=4)",
        "x = sample(random_state=-1)",
        "def train(p=0.0, seed=0):\n    pass",
    ],
)
def test_finds_typed_seeds(code):
    assert len(typed_seeds(code)) == 1


@pytest.mark.parametrize(
    "code",
    [
        "SEED = dlguide.chapter_seed()",
        "torch.manual_seed(SEED)",
        "rng = np.random.default_rng(SEED + 1)",
        "x = init_mlp([2, 1], seed=SEED + 3)",
        "runs = [train(seed=SEED + k) for k in (1, 2, 3)]",
        "curve = learning_curve(base, sizes, seeds=[SEED + k for k in range(2)])",
        "rng = np.random.default_rng([SEED, 4])",
        "for width in (16, 32):\n    fit(width=width, seed=SEED)",
        "x = np.random.default_rng(SEED).normal(size=(5, 2))",
        "dropout(x, 0.5, training=True)",
        "def train(p=0.0, seed=None):\n    pass",
    ],
)
def test_accepts_the_chapter_seed(code):
    assert typed_seeds(code) == []


def test_reads_code_cells_not_prose():
    page = read(
        "# T\n\nWrite `torch.manual_seed(0)` in prose freely.\n\n"
        "```{code-cell} ipython3\ntorch.manual_seed(0)\n```\n"
    )
    found = [typed_seeds(source) for _, source in page.code_cells]
    assert found == [[(1, "torch.manual_seed(0)")]]
