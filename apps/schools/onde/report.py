"""What an import did (or, in a dry run, would do): counts and names."""

from __future__ import annotations

from dataclasses import dataclass, field

from apps.schools.errors import SchoolDataError
from apps.schools.onde.csvfile import Issue


class OndeImportError(SchoolDataError):
    """The files have errors: nothing was imported. ``issues`` lists every one of them."""

    def __init__(self, issues: list[Issue]) -> None:
        # The files in the order they were read (pupils, then guardians), then by line.
        files = list(dict.fromkeys(issue.file for issue in issues))
        self.issues = sorted(issues, key=lambda i: (files.index(i.file), i.line or 0, i.message))
        count = len(self.issues)
        super().__init__(
            f"{count} erreur{'s' if count > 1 else ''} dans les fichiers : rien n'a été importé."
        )


class LeaversNotConfirmed(OndeImportError):
    """The files are fine, but they would mark too many pupils as leaving to go unasked."""


@dataclass
class Outcome:
    """Names of what is (or would be) created, updated and left alone."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
        }


@dataclass
class EnrolmentOutcome:
    created: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    leaving: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "created": len(self.created),
            "moved": len(self.moved),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "leaving": len(self.leaving),
        }


@dataclass
class ImportReport:
    school_uai: str
    school_name: str
    year_label: str
    year_created: bool
    dry_run: bool
    pupils_file: str
    guardians_file: str
    classes: Outcome = field(default_factory=Outcome)
    pupils: Outcome = field(default_factory=Outcome)
    guardians: Outcome = field(default_factory=Outcome)
    enrolments: EnrolmentOutcome = field(default_factory=EnrolmentOutcome)
    links_created: list[str] = field(default_factory=list)
    links_unchanged: int = 0
    seconds: float = 0.0
    enrolled_before: int = 0
    # More pupils would leave than an export normally drops (plan.LEAVERS_SHARE): a real
    # import refuses without a confirmation, a dry run says so.
    leavers_need_confirmation: bool = False

    def summary(self) -> dict[str, object]:
        """Counts only (the audit log and the job row keep no names)."""
        return {
            "school": self.school_uai,
            "year": self.year_label,
            "year_created": self.year_created,
            "dry_run": self.dry_run,
            "files": {"pupils": self.pupils_file, "guardians": self.guardians_file},
            "classes": self.classes.counts(),
            "pupils": self.pupils.counts(),
            "guardians": self.guardians.counts(),
            "enrolments": self.enrolments.counts(),
            "guardianships": {
                "created": len(self.links_created),
                "unchanged": self.links_unchanged,
            },
            "leavers_need_confirmation": self.leavers_need_confirmation,
            "seconds": round(self.seconds, 2),
        }
