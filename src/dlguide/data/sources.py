"""Where the book's data and pretrained weights come from, under which licence."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SOURCES", "Source", "sources_markdown"]


@dataclass(frozen=True)
class Source:
    """One dataset or pretrained model the book uses."""

    name: str
    package: str
    licence: str
    content: str
    citation: str
    used_in: str

    def as_markdown(self) -> str:
        """Return a Markdown section describing this source."""
        return "\n".join(
            [
                f"### {self.name}",
                "",
                f"- **What it is:** {self.content}",
                f"- **Licence:** {self.licence}",
                f"- **Installed with:** `pip install {self.package}`",
                f"- **Used in:** {self.used_in}",
                f"- **Citation:** {self.citation}",
            ]
        )


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
    Source(
        name="Breast Cancer Wisconsin (Diagnostic)",
        package="scikit-learn==1.9.1",
        licence="CC BY 4.0 (UCI Machine Learning Repository)",
        content="569 tumour samples, 30 features measured from cell-nucleus images, benign or "
        "malignant",
        citation=(
            "W. N. Street, W. H. Wolberg and O. L. Mangasarian, Nuclear feature extraction for "
            "breast tumor diagnosis, IS&T/SPIE Electronic Imaging 1993; shipped as "
            "sklearn.datasets.load_breast_cancer."
        ),
        used_in="When to use deep learning, and when not",
    ),
    Source(
        name="Optical Recognition of Handwritten Digits",
        package="scikit-learn==1.9.1",
        licence="CC BY 4.0 (UCI Machine Learning Repository)",
        content="1,797 handwritten digits, 8x8 greyscale",
        citation=(
            "E. Alpaydin and C. Kaynak, Optical Recognition of Handwritten Digits, UCI Machine "
            "Learning Repository (1998); shipped as sklearn.datasets.load_digits."
        ),
        used_in="How networks learn",
    ),
)


def sources_markdown() -> str:
    """Return every source in :data:`SOURCES` as Markdown, for the "Data and licences" page.

    Examples
    --------
    >>> print(sources_markdown().splitlines()[0])
    ### Animal silhouettes (Animal Shape MNIST)
    """
    return "\n\n".join(source.as_markdown() for source in SOURCES)
