import pytest

from kb import Signature, load_kb
from kb.lint.signatures import compile_signature

SIGNATURES = sorted(load_kb(collect_errors=True).signatures.values(), key=lambda s: s.id)


@pytest.mark.parametrize("signature", SIGNATURES, ids=lambda s: s.id)
def test_signature_matches_its_examples(signature: Signature) -> None:
    regex = compile_signature(signature)
    assert [line for line in signature.examples.match if not regex.search(line)] == []
    assert [line for line in signature.examples.no_match if regex.search(line)] == []


def test_real_kb_has_signatures() -> None:
    assert len(SIGNATURES) >= 11
