"""One fixture name, one meaning: no two places of the test suite define a fixture of the same
name (two conftests, or a test module shadowing a conftest's or another module's).

``bordeaux`` was once the test world in tests/conftest.py and a Commune in
tests/billing/conftest.py: a test moved from one folder to the other got the other thing.
A fixture that means something else takes a name of its own; the test world is built by
tests/world.py, whose parameters cover the variations.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

TESTS = Path(__file__).resolve().parent

# Names defined in more than one place on purpose, each with why.
REDEFINED_ON_PURPOSE = {
    # The same autouse fixture (no delay between second-factor attempts) in the three modules
    # that want it, and not in the rest of tests/security.
    "_no_otp_throttle_delay": {
        "security/test_two_factor.py",
        "security/test_backup_codes_hashed.py",
        "security/test_two_factor_reset.py",
    },
}


def _is_fixture(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return ast.unparse(target) in {"pytest.fixture", "fixture"}


def _fixture_name(function: ast.FunctionDef, decorator: ast.expr) -> str:
    if isinstance(decorator, ast.Call):
        for keyword in decorator.keywords:
            if keyword.arg == "name" and isinstance(keyword.value, ast.Constant):
                return str(keyword.value.value)
    return function.name


def fixtures_by_name(root: Path = TESTS) -> dict[str, set[str]]:
    """Each fixture name → the files (relative to ``root``) that define it at module level."""
    found: dict[str, set[str]] = defaultdict(set)
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef):
                continue
            for decorator in node.decorator_list:
                if _is_fixture(decorator):
                    found[_fixture_name(node, decorator)].add(path.relative_to(root).as_posix())
    return found


def redefinitions(found: dict[str, set[str]]) -> dict[str, list[str]]:
    return {
        name: sorted(places)
        for name, places in found.items()
        if len(places) > 1 and places != REDEFINED_ON_PURPOSE.get(name)
    }


def test_no_fixture_name_is_defined_twice():
    clashes = redefinitions(fixtures_by_name())

    assert not clashes, (
        "fixtures defined in more than one place (give each meaning a name of its own, or "
        f"list a deliberate redefinition in REDEFINED_ON_PURPOSE): {clashes}"
    )


def test_the_check_sees_a_name_two_conftests_define(tmp_path):
    for folder, returned in (("billing", "Commune"), ("pages", "World")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "conftest.py").write_text(
            f"import pytest\n\n@pytest.fixture\ndef bordeaux(db) -> {returned}:\n    ...\n"
        )
    (tmp_path / "pages" / "test_one.py").write_text(
        "import pytest\n\n@pytest.fixture(name='renamed')\ndef _renamed():\n    ...\n"
    )

    found = fixtures_by_name(tmp_path)

    assert redefinitions(found) == {"bordeaux": ["billing/conftest.py", "pages/conftest.py"]}
    assert found["renamed"] == {"pages/test_one.py"}


def test_the_shared_world_fixtures_are_worlds():
    found = fixtures_by_name()

    assert found["bordeaux"] == found["pessac"] == {"conftest.py"}
    assert found["bordeaux_commune"] == {"billing/conftest.py"}
