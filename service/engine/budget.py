"""The work one input may cost: a time budget, and whether anyone still waits for the answer.

Analysis checks its budget between chunks of work. Past the deadline it stops and the
diagnosis says the input was cut; once the client has gone (``cancelled`` says True) it
stops with :class:`~service.errors.AbandonedError` and nothing is stored.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from service.errors import AbandonedError


@dataclass(frozen=True)
class Budget:
    deadline: float  # time.monotonic()
    cancelled: Callable[[], bool] | None = None

    @classmethod
    def of(cls, seconds: float, cancelled: Callable[[], bool] | None = None) -> Budget:
        return cls(time.monotonic() + seconds, cancelled)

    def spent(self, where: str = "the analysis") -> bool:
        """True past the deadline; raises AbandonedError (saying ``where`` the work stopped)
        once the client has gone."""
        if self.cancelled is not None and self.cancelled():
            raise AbandonedError(where)
        return time.monotonic() > self.deadline
