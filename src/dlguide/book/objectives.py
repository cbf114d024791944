"""The book's learning objectives, each mapped to the sections that teach it.

:data:`OBJECTIVES` is the single source of the map: the "Learning objectives" page
is generated from it by :func:`objectives_markdown`, and the test suite checks that
every objective links to at least one section and that every link resolves.

A link target is either a page path relative to ``docs/`` with an optional heading
anchor (``"foundations/01-what-is-deep-learning.md#four-nested-ideas"``) or a MyST
label written as ``"label:chap-what-is-dl"``. An objective whose chapters are not
written yet names, in ``pending``, the part of the book that will teach it; the
test suite reports it as an expected failure until the links are filled in.
"""

from __future__ import annotations

from dataclasses import dataclass

from dlguide._checks import check_str, describe

__all__ = ["OBJECTIVES", "Link", "Objective", "objectives_markdown"]

_CH1 = "foundations/01-what-is-deep-learning.md"


@dataclass(frozen=True)
class Link:
    """A section that teaches an objective: the text shown, and where it points."""

    text: str
    target: str

    @property
    def is_label(self) -> bool:
        """True if ``target`` is a MyST label (``"label:..."``), not a page path."""
        return self.target.startswith("label:")


@dataclass(frozen=True)
class Objective:
    """One learning objective, the sections that teach it, and what is still to come."""

    text: str
    links: tuple[Link, ...]
    pending: tuple[str, ...] = ()


#: The book's learning objectives, in the order the book's landing page gives them.
OBJECTIVES: tuple[Objective, ...] = (
    Objective(
        "Define deep learning, and explain why depth enables hierarchical feature learning.",
        (
            Link("Four nested ideas", f"{_CH1}#four-nested-ideas"),
            Link("Why depth matters", f"{_CH1}#why-depth-matters-what-each-layer-knows"),
        ),
    ),
    Objective(
        "Explain why each layer learns increasingly complex features.",
        (
            Link("Why depth matters", f"{_CH1}#why-depth-matters-what-each-layer-knows"),
            Link("Interview: deciding the number of layers", "label:interview-depth"),
        ),
    ),
    Objective(
        "Compare deep learning with machine learning, and identify other deep learning methods.",
        (
            Link(
                "Deep learning and classical machine learning",
                f"{_CH1}#deep-learning-and-classical-machine-learning",
            ),
            Link("Interview: deep learning versus machine learning", "label:interview-dl-vs-ml"),
            Link("Convolutional networks", "label:chap-cnn"),
            Link("Recurrent networks", "architectures/04-recurrent-networks.md"),
            Link("Attention and Transformers", "label:chap-attention"),
        ),
    ),
    Objective(
        "Choose deep learning for large datasets, unstructured data and complex patterns, "
        "and know when to fine-tune versus extract features.",
        (
            Link("Two common misconceptions", f"{_CH1}#two-common-misconceptions"),
            Link("Interview: transfer learning", "label:interview-transfer"),
            Link("When to use deep learning, and when not", "label:chap-when-to-use-dl"),
            Link("Fine-tuning versus feature extraction", "label:chap-fine-tuning-vs-features"),
        ),
    ),
    Objective(
        "Avoid deep learning when results must be explainable, data is small, or the "
        "pattern is simple.",
        (
            Link(
                "Deep learning and classical machine learning",
                f"{_CH1}#deep-learning-and-classical-machine-learning",
            ),
            Link("Two common misconceptions", f"{_CH1}#two-common-misconceptions"),
            Link("When to use deep learning, and when not", "label:chap-when-to-use-dl"),
        ),
    ),
    Objective(
        "Explain what BERT does: context-dependent meaning.",
        (
            Link("From words to vectors", "label:chap-words-to-vectors"),
            Link(
                "Contextual embeddings", "language/02-bert.md#contextual-embeddings-the-two-banks"
            ),
        ),
    ),
    Objective(
        "Explain BERT's training: pre-training on a large corpus, masked language "
        "modelling, bidirectional learning, the Transformer.",
        (
            Link("BERT", "label:chap-bert"),
            Link(
                "Pre-training: masked language modelling",
                "language/02-bert.md#pre-training-masked-language-modelling",
            ),
            Link("Attention and Transformers", "label:chap-attention"),
        ),
    ),
    Objective(
        "Recognise why pretrained models save time and beat training from scratch.",
        (
            Link("Interview: transfer learning", "label:interview-transfer"),
            Link("Transfer learning for images", "label:chap-transfer"),
            Link("Fine-tuning versus feature extraction", "label:chap-fine-tuning-vs-features"),
        ),
    ),
    Objective(
        "Implement sentiment analysis with a pretrained BERT through Hugging Face transformers.",
        (
            Link("Sentiment analysis with BERT", "label:chap-sentiment-bert"),
            Link(
                "Using it like a model from the hub",
                "language/03-sentiment-with-bert.md#using-it-like-a-model-from-the-hub",
            ),
        ),
    ),
    Objective(
        "Evaluate classifiers with appropriate metrics.",
        (
            Link(
                "Held-out evaluation",
                "language/03-sentiment-with-bert.md#how-good-is-it-held-out-evaluation",
            ),
            Link(
                "Which animals are confused, and why",
                "architectures/02-image-classification-in-practice.md"
                "#which-animals-are-confused-and-why",
            ),
            Link(
                "Evaluate, once, on the test set",
                "foundations/07-workflow-and-evaluation.md#step-7-evaluate-once-on-the-test-set",
            ),
            Link(
                "When accuracy misleads: a rare class",
                "foundations/07-workflow-and-evaluation.md#when-accuracy-misleads-a-rare-class",
            ),
            Link(
                "Toxic comments: evaluation, one label at a time",
                "language/05-toxic-comments.md#evaluation-one-label-at-a-time",
            ),
        ),
    ),
    Objective(
        "Interpret confidence scores and predictions.",
        (
            Link("Interview: common misconceptions", "label:interview-misconceptions"),
            Link(
                "What does a confidence of nine in ten mean?",
                "language/03-sentiment-with-bert.md#what-does-a-confidence-of-nine-in-ten-mean",
            ),
            Link(
                "Confidence on right and wrong answers",
                "architectures/02-image-classification-in-practice.md"
                "#confidence-on-right-and-wrong-answers",
            ),
            Link(
                "What a confidence score means",
                "foundations/07-workflow-and-evaluation.md#what-a-confidence-score-means",
            ),
            Link(
                "Toxic comments: how to read the confidence scores",
                "language/05-toxic-comments.md#how-to-read-the-confidence-scores",
            ),
        ),
    ),
)


def objectives_markdown(
    objectives: tuple[Objective, ...] = OBJECTIVES, *, page_dir: str = "practice"
) -> str:
    """Return the objectives as a MyST Markdown list, with links relative to ``page_dir``.

    Parameters
    ----------
    objectives
        The objectives to list (by default the book's).
    page_dir
        The folder under ``docs/`` of the page that shows the list, so that page
        paths become relative links.

    Examples
    --------
    >>> demo = (Objective("Know X.", (Link("Section", "a/b.md#c"), Link("Label", "label:x"))),)
    >>> print(objectives_markdown(demo, page_dir="practice"))
    1. **Know X.** Taught in: [Section](../a/b.md#c); {ref}`Label <x>`.
    >>> print(objectives_markdown((Objective("Know Y.", (), ("Part II",)),)))
    1. **Know Y.** To come: Part II.
    """
    check_str("page_dir", page_dir)
    if not isinstance(objectives, tuple) or not all(isinstance(o, Objective) for o in objectives):
        raise TypeError(f"objectives must be a tuple of Objective, got {describe(objectives)}")
    up = "../" * (page_dir.strip("/").count("/") + 1)
    lines = []
    for number, objective in enumerate(objectives, start=1):
        parts = [f"{number}. **{objective.text}**"]
        links = [
            f"{{ref}}`{link.text} <{link.target.removeprefix('label:')}>`"
            if link.is_label
            else f"[{link.text}]({up}{link.target})"
            for link in objective.links
        ]
        if links:
            parts.append("Taught in: " + "; ".join(links) + ".")
        if objective.pending:
            parts.append("To come: " + "; ".join(objective.pending) + ".")
        lines.append(" ".join(parts))
    return "\n".join(lines)
