import pytest

from kb import Signature, load_kb
from kb.lint.signatures import compile_signature

SIGNATURES = sorted(load_kb(collect_errors=True).signatures.values(), key=lambda s: s.id)


@pytest.mark.parametrize("signature", SIGNATURES, ids=lambda s: s.id)
def test_signature_matches_its_examples(signature: Signature) -> None:
    regex = compile_signature(signature)
    assert [line for line in signature.examples.match if not regex.search(line)] == []
    assert [line for line in signature.examples.no_match if regex.search(line)] == []


def test_every_cause_has_signatures_pointing_to_it() -> None:
    from kb import CAUSE_IDS

    pointed = {p.cause for s in SIGNATURES for p in s.points_to if p.weight > 0}
    assert set(CAUSE_IDS) <= pointed, sorted(set(CAUSE_IDS) - pointed)
