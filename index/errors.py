"""Errors raised by the index package.

IndexError_ (IndexStoreError)
 ├── IndexNotBuiltError   no index on disk where one was expected
 └── StaleIndexError      the index on disk was built from other KB content or another model
"""

from __future__ import annotations


class IndexStoreError(Exception):
    """Base class of every index error."""


class IndexNotBuiltError(IndexStoreError):
    def __init__(self, where: str) -> None:
        super().__init__(f"no index at {where}: run `doctor index build`")
        self.where = where


class StaleIndexError(IndexStoreError):
    def __init__(self, what: str, built: str, current: str) -> None:
        super().__init__(
            f"index is stale: built for {what} {built}, current is {current}; "
            "run `doctor index build`"
        )
        self.what = what
        self.built = built
        self.current = current
