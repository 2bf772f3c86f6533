"""The journal reads in French: every key the code records in an event's details has a French
name, and values read as a person writes them (dates, yes/no, nested counts)."""

from __future__ import annotations

import ast
from pathlib import Path

from apps.audit.actions import DETAIL_LABELS, details_text

ROOT = Path(__file__).resolve().parents[2]


def _string_keys(node: ast.AST) -> set[str]:
    return {k.value for k in getattr(node, "keys", []) if isinstance(k, ast.Constant)}


def recorded_keys() -> set[str]:
    """Keys of ``record_event(details={...})`` and of the billing services' ``audit(**details)``,
    of the dicts named ``details``, and of the import reports' ``summary``/``counts``."""
    keys: set[str] = set()
    for folder in ("apps", "tenants", "provisioning"):
        for path in (ROOT / folder).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Call):
                    func = node.func
                    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                    if name == "record_event":
                        for keyword in node.keywords:
                            if keyword.arg == "details":
                                keys |= _string_keys(keyword.value)
                    elif name in ("audit", "_audit"):
                        keys |= {kw.arg for kw in node.keywords if kw.arg}
                elif isinstance(node, ast.AnnAssign | ast.Assign):
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    if any(isinstance(t, ast.Name) and t.id == "details" for t in targets):
                        keys |= _string_keys(node.value)
                elif isinstance(node, ast.FunctionDef) and node.name in ("summary", "counts"):
                    for inner in ast.walk(node):
                        if isinstance(inner, ast.Return) and isinstance(inner.value, ast.Dict):
                            for value in [inner.value, *inner.value.values]:
                                keys |= _string_keys(value)
    return keys


def test_every_recorded_detail_has_a_french_name() -> None:
    keys = recorded_keys()
    assert {"attempts_removed", "leavers_need_confirmation", "siret"} <= keys  # the walk works
    missing = sorted(keys - set(DETAIL_LABELS))
    assert not missing, f"details without a French name in apps/audit/actions.py: {missing}"


def test_details_read_as_french() -> None:
    text = details_text(
        {
            "dry_run": False,
            "valid_from": "2026-12-01",
            "pupils": {"created": 3, "unchanged": 10},
            "stage": "password",
        }
    )
    assert text == (
        "simulation : non, applicable dès : 1er décembre 2026, "
        "élèves : (créés : 3, inchangés : 10), étape : mot de passe"
    )
