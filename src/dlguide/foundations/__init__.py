"""Part I of the book, Foundations: one module per chapter or idea (``docs/foundations/``).

- :mod:`dlguide.foundations.depth` -- why depth matters: layer representations and linear probes
- :mod:`dlguide.foundations.handmade` -- hand-made image features, as classical ML used them
- :mod:`dlguide.foundations.learning_curves` -- accuracy against training-set size
- :mod:`dlguide.foundations.activations` -- activation functions and their derivatives
- :mod:`dlguide.foundations.mlp` -- a NumPy multilayer perceptron: forward and backward passes
- :mod:`dlguide.foundations.losses` -- loss functions and their gradients
- :mod:`dlguide.foundations.gradient_descent` -- gradient descent on a surface and on a network
- :mod:`dlguide.foundations.optimizers` -- SGD, momentum, RMSprop and Adam from their update rules
- :mod:`dlguide.foundations.regularization` -- dropout and L1/L2 weights
- :mod:`dlguide.foundations.workflow` -- splits, a Dataset, a training loop with validation
"""
