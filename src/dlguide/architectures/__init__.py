"""Code for Part II of the book, convolutional and sequence architectures."""
