import types

import pytest

import kb
import kb.lint


@pytest.mark.parametrize("package", [kb, kb.lint], ids=lambda p: p.__name__)
def test_all_public_members_are_exported(package: types.ModuleType) -> None:
    public = {
        name
        for name, value in vars(package).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert set(package.__all__) == public


@pytest.mark.parametrize("package", [kb, kb.lint], ids=lambda p: p.__name__)
def test_all_exported_members_exist(package: types.ModuleType) -> None:
    for name in package.__all__:
        assert getattr(package, name) is not None
