"""Real data that installs from PyPI, loaded offline, checked, and credited.

Each loader reads files that ship inside a package, verifies their SHA-256, and
names the package to install when it is missing. :data:`SOURCES` lists every
source with its licence and citation; the book's "Data and licences" page is
generated from it.
"""

from dlguide.data._package_files import DataError
from dlguide.data.animals import ANIMAL_CLASSES, ImageData, load_animal_shapes
from dlguide.data.sampling import stratified_subset
from dlguide.data.sources import SOURCES, Source, sources_markdown

__all__ = [
    "ANIMAL_CLASSES",
    "SOURCES",
    "DataError",
    "ImageData",
    "Source",
    "load_animal_shapes",
    "sources_markdown",
    "stratified_subset",
]
