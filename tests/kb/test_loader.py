import pytest
from kb_fixtures import FixtureKB, entity

from kb import CAUSE_IDS, KBLoadError, UnknownCauseError, UnknownEntityError, load_kb

CTD = "causes/collect_to_driver.yaml"


def test_load_real_kb() -> None:
    kb = load_kb()
    assert set(kb.causes) == set(CAUSE_IDS)
    assert kb.load_errors == ()
    assert kb.triage_tree().kind == "triage"


def test_load_fixture_kb(fixture_kb: FixtureKB) -> None:
    kb = load_kb(fixture_kb.write())
    assert set(kb.causes) == set(CAUSE_IDS)
    assert [f.id for f in kb.fixes_for("collect_to_driver")] == ["fix-collect_to_driver"]
    assert len(kb.phrasings_for("large_closure")) == 8
    assert kb.paths[("causes", "collect_to_driver")] == fixture_kb.root / CTD


def test_load_kb_raises_on_invalid_yaml(fixture_kb: FixtureKB) -> None:
    fixture_kb.replace(CTD, "title: Fixture collect_to_driver", "title: [unclosed")
    with pytest.raises(KBLoadError) as info:
        load_kb(fixture_kb.write())
    assert info.value.location.path == "data/causes/collect_to_driver.yaml"
    assert info.value.location.line == 3
    assert "invalid YAML" in info.value.message


def test_load_kb_raises_on_unknown_field(fixture_kb: FixtureKB) -> None:
    fixture_kb.replace(CTD, "memory_area:", "memory_aera: [jvm_heap]\nmemory_area:")
    with pytest.raises(KBLoadError) as info:
        load_kb(fixture_kb.write())
    location = info.value.location
    assert (location.path, location.line) == ("data/causes/collect_to_driver.yaml", 9)
    assert str(info.value).startswith("data/causes/collect_to_driver.yaml:9 [memory_aera]: Extra")


def test_load_kb_raises_on_id_not_matching_file_name(fixture_kb: FixtureKB) -> None:
    fixture_kb.files["notes/other-name.yaml"] = fixture_kb.files.pop("notes/note-client.yaml")
    with pytest.raises(KBLoadError) as info:
        load_kb(fixture_kb.write())
    assert str(info.value.location) == "data/notes/other-name.yaml:1 [id]"
    assert "does not match the file name" in info.value.message


def test_load_kb_raises_on_duplicate_id(fixture_kb: FixtureKB) -> None:
    fixture_kb.files["notes/note-client.yml"] = fixture_kb.files["notes/note-client.yaml"]
    with pytest.raises(KBLoadError, match="duplicate notes id 'note-client'") as info:
        load_kb(fixture_kb.write())
    assert info.value.location.path == "data/notes/note-client.yml"


def test_load_kb_collects_every_error(fixture_kb: FixtureKB) -> None:
    fixture_kb.replace(CTD, "memory_area:", "memory_aera:")
    fixture_kb.files["notes/other-name.yaml"] = entity("note-x", "body: too short\n")
    fixture_kb.files["notes/note-client.yml"] = fixture_kb.files["notes/note-client.yaml"]
    kb = load_kb(fixture_kb.write(), collect_errors=True)
    paths = sorted(error.location.path for error in kb.load_errors)
    assert paths == [
        "data/causes/collect_to_driver.yaml",
        "data/notes/note-client.yml",
        "data/notes/other-name.yaml",
    ]
    assert "collect_to_driver" not in kb.causes
    assert "large_closure" in kb.causes


def test_cause_raises_unknown_cause_error(fixture_kb: FixtureKB) -> None:
    kb = load_kb(fixture_kb.write())
    with pytest.raises(UnknownCauseError):
        kb.cause("not_a_cause")
    with pytest.raises(UnknownEntityError):
        kb.fix("not-a-fix")


def test_c_and_python_yaml_parsers_read_the_kb_identically(monkeypatch: pytest.MonkeyPatch) -> None:
    # The loader prefers libyaml's parser for speed; it must read every file exactly as the
    # pure-Python safe parser does.
    import yaml

    from kb import loader

    assert loader.SafeLoader is getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    fast = load_kb()
    monkeypatch.setattr(loader, "SafeLoader", yaml.SafeLoader)
    slow = load_kb()
    assert fast.content_hash == slow.content_hash
    kinds = ("causes", "symptoms", "signatures", "fixes", "trees", "notes", "rules", "vague")
    for kind in (*kinds, "facts"):
        assert getattr(fast, kind) == getattr(slow, kind), kind
