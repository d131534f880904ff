"""Driver Doctor's knowledge base: reviewed data about Spark driver OOM, its models and loader."""

from kb.errors import KBError, KBLoadError, UnknownCauseError, UnknownEntityError
from kb.loader import DEFAULT_ROOT, KnowledgeBase, load_kb
from kb.models import CAUSE_IDS, Cause, Fix, Node, Signature, SymptomSet, Tree

__all__ = [
    "CAUSE_IDS",
    "DEFAULT_ROOT",
    "Cause",
    "Fix",
    "KBError",
    "KBLoadError",
    "KnowledgeBase",
    "Node",
    "Signature",
    "SymptomSet",
    "Tree",
    "UnknownCauseError",
    "UnknownEntityError",
    "load_kb",
]
