"""Part III of the book, Language: one module per chapter or idea (``docs/language/``).

- :mod:`dlguide.language.vectors` -- nearest neighbours, analogies, bag of words
- :mod:`dlguide.language.bert` -- contextual embeddings, model sizes, masked language modelling
- :mod:`dlguide.language.sentiment` -- a fine-tuned sentiment model and its scores
- :mod:`dlguide.language.features` -- frozen-encoder features, a small network from scratch
- :mod:`dlguide.language.toxic` -- the Jigsaw toxic-comment network of tox-block, in PyTorch
- :mod:`dlguide.language.distillation` -- a small student distilled from it, per-label thresholds
- :mod:`dlguide.language.augment` -- text data augmentation (EDA) with GloVe neighbours, measured

The text, word vectors and pretrained encoder they read are loaded by :mod:`dlguide.data.text`.
Import the submodules directly; they import transformers and torch only when needed.
"""
