"""The diagnosis engine: analyze pasted text, rank causes with evidence."""

from service.engine.analyzer import Analysis, analyze
from service.engine.engine import Engine
from service.engine.types import Diagnosis, Evidence, Fact, Finding, RankedCause

__all__ = [
    "Analysis",
    "Diagnosis",
    "Engine",
    "Evidence",
    "Fact",
    "Finding",
    "RankedCause",
    "analyze",
]
