"""Part II of the book, Architectures: one module per chapter or idea (``docs/architectures/``).

- :mod:`dlguide.architectures.convolution` -- convolution by hand: filters, stride, padding, pooling
- :mod:`dlguide.architectures.cnn` -- the classic small CNN in Keras and PyTorch, feature maps
- :mod:`dlguide.architectures.receptive_fields` -- receptive fields; patches that excite a channel
- :mod:`dlguide.architectures.augmentation` -- image augmentation (Keras layers, PyTorch tensors)
- :mod:`dlguide.architectures.transfer` -- feature extraction, fine-tuning, learning curves
- :mod:`dlguide.architectures.sequences` -- character windows, recurrence by hand, gradients in time
- :mod:`dlguide.architectures.char_model` -- the character-level recurrent language model
- :mod:`dlguide.architectures.attention` -- attention from the formula, the reversal task
- :mod:`dlguide.architectures.transformer` -- an encoder block and a sequence tagger

Each imports torch or keras only inside the functions that need them, except
``char_model`` and ``transformer``, which define ``torch.nn.Module`` classes.
"""
