"""Guardian lines → pupils of the same export, by child name, first name and class.

The two ONDE files share no identifier. A child named on a guardian line is the pupil with
that first name, whose family or usage name is the one given (either of the two), in the
class given. Homonyms in one class differ only by their birth date, which the guardians
file does not carry: a line naming such a child cannot be linked, and says so.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from apps.schools.onde.csvfile import Issue
from apps.schools.onde.names import match_key
from apps.schools.onde.parsing import (
    ChildRef,
    GuardianLine,
    OndeFiles,
    PupilLine,
    PupilStub,
    class_key,
)


@dataclass
class Family:
    """One guardian (several lines of the file may name the same person) and their children."""

    line: GuardianLine
    lines: list[int]
    children: list[int]  # indexes into OndeFiles.pupils, in file order

    def add_child(self, index: int) -> None:
        if index not in self.children:
            self.children.append(index)


def _identity(guardian: GuardianLine, children: list[int]) -> tuple[object, ...]:
    # Two lines are one person when they share an e-mail address and a first name (couples
    # often share an address), or, without an address, their names and their children.
    if guardian.email:
        return ("email", guardian.email, guardian.first_key)
    return ("name", guardian.name_keys, guardian.first_key, frozenset(children))


def link_guardians(files: OndeFiles) -> tuple[list[Family], list[Issue]]:
    by_first: dict[str, list[int]] = defaultdict(list)
    for index, pupil in enumerate(files.pupils):
        by_first[pupil.first_key].append(index)
    rejected_by_first: dict[str, list[PupilStub]] = defaultdict(list)
    for stub in files.rejected_pupils:
        rejected_by_first[stub.first_key].append(stub)

    issues: list[Issue] = []
    families: dict[tuple[object, ...], Family] = {}
    for guardian in files.guardians:
        children: list[int] = []
        ok = True
        for child in guardian.children:
            found = _find_child(files.pupils, by_first, child)
            if len(found) == 1:
                children.append(found[0])
                continue
            ok = False
            if not found:
                stubs = rejected_by_first[match_key(child.first_name)]
                if any(_matches_stub(stub, child) for stub in stubs):
                    continue  # that pupil's own line is already reported as wrong
                issues.append(
                    Issue(
                        files.guardians_file,
                        guardian.line,
                        f"aucun élève du fichier {files.pupils_file} ne correspond à l'enfant "
                        f"{child.describe()} de {guardian.display}.",
                    )
                )
            else:
                listed = " ; ".join(
                    f"{files.pupils[i].describe()} "
                    f"({files.pupils_file} ligne {files.pupils[i].line})"
                    for i in found
                )
                issues.append(
                    Issue(
                        files.guardians_file,
                        guardian.line,
                        f"l'enfant {child.describe()} de {guardian.display} correspond à "
                        f"plusieurs élèves, que seule la date de naissance distingue : {listed}.",
                    )
                )
        if not ok:
            continue
        key = _identity(guardian, children)
        family = families.get(key)
        if family is None:
            families[key] = Family(line=guardian, lines=[guardian.line], children=[])
            family = families[key]
        else:
            family.lines.append(guardian.line)
        for index in children:
            family.add_child(index)
    return list(families.values()), issues


def _find_child(
    pupils: list[PupilLine], by_first: dict[str, list[int]], child: ChildRef
) -> list[int]:
    names = child.name_keys
    wanted_class = class_key(child.class_label) if child.class_label else None
    return [
        index
        for index in by_first.get(match_key(child.first_name), [])
        if pupils[index].name_keys & names
        and (wanted_class is None or pupils[index].class_key == wanted_class)
    ]


def _matches_stub(stub: PupilStub, child: ChildRef) -> bool:
    wanted_class = class_key(child.class_label) if child.class_label else None
    return bool(stub.name_keys & child.name_keys) and (
        wanted_class is None or not stub.class_key or stub.class_key == wanted_class
    )
