"""Benchmarks from one deal to a portfolio: a seeded portfolio generator, a plain-pandas reference of the
gap formulas, and the measurements behind ``python -m bench`` (``make bench``)."""
