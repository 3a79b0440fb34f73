"""Sahel criminal-intelligence training kit: case data, loader and tools.

The data is fictitious (see datasets/README.md). Typical use in a notebook::

    import sahelkit
    case = sahelkit.load()          # or load("NE"), or set SAHELKIT_COUNTRY
    case.calls.head()
"""
from .countries import COUNTRIES
from .load import load, load_truth
from .networks import betweenness, closeness

__all__ = ["COUNTRIES", "betweenness", "closeness", "load", "load_truth"]
