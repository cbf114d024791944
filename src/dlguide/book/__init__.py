"""The book's machinery: what checks and builds the chapters, not what they teach.

- :mod:`dlguide.book.claims` -- numbers the prose states, checked at build time
- :mod:`dlguide.book.seeding` -- seeding, and :func:`~dlguide.book.seeding.start_chapter`
- :mod:`dlguide.book.style` -- the figure style (``dlguide.mplstyle``) and its palette
- :mod:`dlguide.book.modelcache` -- an on-disk cache for models several chapters share
- :mod:`dlguide.book.objectives` -- the learning objectives, mapped to the sections that teach them
- :mod:`dlguide.book.buildinfo` -- package versions and the build benchmark, for the about pages
- :mod:`dlguide.book.sphinxext` -- the Sphinx extension the book is built with
"""
