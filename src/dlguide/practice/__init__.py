"""Part IV of the book, Practice: one module per chapter or idea (``docs/practice/``).

- :mod:`dlguide.practice.frameworks` -- one small model in PyTorch, Keras 3 and Lightning
- :mod:`dlguide.practice.distributed` -- data-parallel training with torch.distributed
"""
