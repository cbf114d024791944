"""Part II of the book, Architectures: one module per chapter or idea (``docs/architectures/``).

- :mod:`dlguide.architectures.convolution` -- convolution by hand: filters, stride, padding, pooling
- :mod:`dlguide.architectures.cnn` -- the classic small CNN in Keras and PyTorch, feature maps
- :mod:`dlguide.architectures.receptive_fields` -- receptive fields; patches that excite a channel
- :mod:`dlguide.architectures.augmentation` -- Keras augmentation layers, confusion pairs
- :mod:`dlguide.architectures.transfer` -- feature extraction, fine-tuning, learning curves
- :mod:`dlguide.architectures.sequences` -- recurrent character models and gradients in time
- :mod:`dlguide.architectures.attention` -- attention from the formula, an encoder block

Each imports torch or keras only inside the functions that need them.
"""
