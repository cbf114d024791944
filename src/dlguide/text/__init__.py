"""Part III of the book: words as vectors, BERT, sentiment, toxic comments, augmentation.

- :mod:`dlguide.text.data` -- offline text, word vectors and the pretrained encoder
- :mod:`dlguide.text.vectors` -- nearest neighbours, analogies, bag of words
- :mod:`dlguide.text.cache` -- an on-disk cache for models several chapters share
- :mod:`dlguide.text.bert` -- contextual embeddings, model sizes, masked language modelling
- :mod:`dlguide.text.sentiment` -- a fine-tuned sentiment model, metrics, calibration
- :mod:`dlguide.text.features` -- frozen-encoder features, a small network from scratch
- :mod:`dlguide.text.toxic` -- the Jigsaw toxic-comment network in PyTorch, a distilled student
- :mod:`dlguide.text.augment` -- text data augmentation (EDA) with GloVe neighbours, measured

Import the submodules directly; they import transformers and torch only when needed.
"""
