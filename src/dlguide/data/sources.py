"""Where the book's data and pretrained weights come from, under which licence."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SOURCES", "Source"]


@dataclass(frozen=True)
class Source:
    """One dataset or pretrained model the book uses."""

    name: str
    package: str
    licence: str
    content: str
    citation: str
    used_in: str


SOURCES: tuple[Source, ...] = (
    Source(
        name="Animal silhouettes (Animal Shape MNIST)",
        package="animal-shape-mnist==0.39",
        licence="MIT",
        content="10,000 silhouettes, 28x28 greyscale, 1,000 each of ten animals",
        citation="animal-shape-mnist 0.39, Python Package Index (2025).",
        used_in="What is deep learning?",
    ),
)
