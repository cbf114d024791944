"""Where the book's data and pretrained weights come from, under which licence."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["COLUMNS", "SOURCES", "Source", "sources_table"]


@dataclass(frozen=True)
class Source:
    """One dataset or pretrained model the book uses."""

    name: str
    package: str
    licence: str
    content: str
    citation: str
    used_in: str

    def as_row(self) -> list[str]:
        """Return the fields in the order of :data:`COLUMNS`."""
        return [self.name, f"`{self.package}`", self.licence, self.content, self.citation,
                self.used_in]  # fmt: skip


#: Column headings for a table of sources.
COLUMNS = ("Source", "Install", "Licence", "What it is", "Citation", "Used in")


SOURCES: tuple[Source, ...] = (
    Source(
        name="Animal silhouettes (Animal Shape MNIST)",
        package="animal-shape-mnist==0.39",
        licence="MIT",
        content="10,000 silhouettes, 28x28 greyscale, 1,000 each of ten animals",
        citation=(
            "Sina Mohammadi, Animal-Shape: an animal shape extension to MNIST, "
            "Python package animal-shape-mnist 0.39 (2025), MIT licence, copyright SinaSR-6."
        ),
        used_in=(
            "What is deep learning?; Convolutional networks; "
            "Image classification in practice; Transfer learning for images"
        ),
    ),
    Source(
        name="Sample photograph china.jpg (scikit-learn)",
        package="scikit-learn==1.9.1",
        licence="CC BY 2.0",
        content="a 427x640 colour photograph of a Chinese temple, read with "
        "sklearn.datasets.load_sample_image",
        citation="Photograph by danielbuechele on Flickr (CC BY 2.0), shipped with scikit-learn.",
        used_in="Convolutional networks",
    ),
)


def sources_table() -> str:
    """Return :data:`SOURCES` as a Markdown table, for the "Data and licences" page.

    Examples
    --------
    >>> print(sources_table().splitlines()[0])
    | Source | Install | Licence | What it is | Citation | Used in |
    """
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(source.as_row()) + " |" for source in SOURCES]
    return "\n".join(lines)
