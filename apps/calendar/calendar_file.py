"""Reading a calendar file (the format is described at the top of ``data/vacances.yaml``).

The whole file is checked before anything is stored, strictly: an unknown or repeated key,
a missing one, a date that is not AAAA-MM-JJ, a period ending before it starts or overlapping
another of the same zone is an error. Every error found is reported, each with its line, in
French, for the operator who runs ``import_holidays``.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from apps.calendar.models import Zone
from apps.calendar.public_holidays import public_holidays_between

FORMAT = "1"
SHIPPED = Path(__file__).resolve().parent / "data" / "vacances.yaml"

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_YEAR = re.compile(r"(\d{4})-(\d{4})")
# Longer than any real period (the summer is about nine weeks): catches a mistyped year.
_LONGEST_PERIOD = datetime.timedelta(days=75)


@dataclass(frozen=True)
class Period:
    name: str
    zones: tuple[str, ...]
    first_day: datetime.date
    last_day: datetime.date
    line: int


@dataclass(frozen=True)
class SchoolYear:
    label: str  # « 2025-2026 »
    start: int  # 2025
    rentree: datetime.date
    periods: tuple[Period, ...]
    line: int

    @property
    def span(self) -> tuple[datetime.date, datetime.date]:
        """1 September to 31 August: the public holidays that belong to this year."""
        return datetime.date(self.start, 9, 1), datetime.date(self.start + 1, 8, 31)


@dataclass(frozen=True)
class CalendarFile:
    years: tuple[SchoolYear, ...]


class CalendarFileError(Exception):
    """The file cannot be imported; ``issues`` says why, one line each."""

    def __init__(self, issues: list[str]) -> None:
        super().__init__(f"{len(issues)} erreur(s) dans le fichier du calendrier")
        self.issues = issues


def read_calendar(path: Path) -> CalendarFile:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise CalendarFileError([f"Fichier introuvable : {path}."]) from exc
    except UnicodeDecodeError as exc:
        raise CalendarFileError([f"{path} n'est pas un texte UTF-8."]) from exc
    except OSError as exc:
        raise CalendarFileError([f"Fichier illisible : {path} ({exc.strerror})."]) from exc
    return parse_calendar(text)


def parse_calendar(text: str) -> CalendarFile:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"Ligne {mark.line + 1}, colonne {mark.column + 1}" if mark else "Fichier"
        raise CalendarFileError([f"{where} : syntaxe YAML invalide."]) from exc
    except yaml.YAMLError as exc:
        raise CalendarFileError(["Syntaxe YAML invalide."]) from exc
    if root is None:
        raise CalendarFileError(["Ligne 1 : le fichier est vide."])
    reader = _Reader()
    calendar = reader.calendar(root)
    if reader.issues or calendar is None:
        raise CalendarFileError(reader.issues)
    return calendar


def _line(node: Node) -> int:
    return node.start_mark.line + 1


class _Reader:
    """Walks the YAML nodes (not the loaded values, which forget their lines)."""

    def __init__(self) -> None:
        self.issues: list[str] = []

    def error(self, node: Node, message: str) -> None:
        self.issues.append(f"Ligne {_line(node)} : {message}")

    # --- shapes ---------------------------------------------------------------------------

    def mapping(
        self, node: Node, what: str, required: tuple[str, ...], optional: tuple[str, ...] = ()
    ) -> dict[str, Node] | None:
        if not isinstance(node, MappingNode):
            self.error(node, f"{what} : une liste de clés « clé: valeur » est attendue.")
            return None
        found: dict[str, Node] = {}
        for key, value in node.value:
            name = key.value if isinstance(key, ScalarNode) else None
            if not isinstance(name, str) or name not in required + optional:
                allowed = ", ".join(f"« {k} »" for k in required + optional)
                self.error(key, f"{what} : clé inconnue « {name} » (clés permises : {allowed}).")
            elif name in found:
                self.error(key, f"{what} : la clé « {name} » est en double.")
            else:
                found[name] = value
        missing = [name for name in required if name not in found]
        for name in missing:
            self.error(node, f"{what} : la clé « {name} » manque.")
        return None if missing else found

    def sequence(self, node: Node, what: str) -> list[Node] | None:
        if not isinstance(node, SequenceNode) or not node.value:
            self.error(node, f"{what} : une liste non vide est attendue (lignes « - … »).")
            return None
        return list(node.value)

    def text(self, node: Node, what: str) -> str | None:
        value = node.value.strip() if isinstance(node, ScalarNode) else ""
        if not value or node.tag == "tag:yaml.org,2002:null":
            self.error(node, f"{what} : un texte non vide est attendu.")
            return None
        if len(value) > 100:
            self.error(node, f"{what} : 100 caractères au plus.")
            return None
        return value

    def date(self, node: Node, what: str) -> datetime.date | None:
        value = node.value.strip() if isinstance(node, ScalarNode) else ""
        if _DATE.fullmatch(value):
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                pass
        shown = value if isinstance(node, ScalarNode) else "(pas une date)"
        self.error(node, f"{what} : date invalide « {shown} » (attendu AAAA-MM-JJ).")
        return None

    # --- the calendar ---------------------------------------------------------------------

    def calendar(self, root: Node) -> CalendarFile | None:
        top = self.mapping(root, "Fichier", ("format", "annees"))
        if top is None:
            return None
        version = top["format"]
        if not isinstance(version, ScalarNode) or version.value.strip() != FORMAT:
            self.error(version, f"« format » : seule la version {FORMAT} est connue.")
        items = self.sequence(top["annees"], "« annees »")
        if items is None:
            return None
        years: list[SchoolYear] = []
        for item in items:
            year = self.school_year(item)
            if year is None:
                continue
            if any(other.label == year.label for other in years):
                self.error(item, f"l'année scolaire {year.label} est en double.")
                continue
            years.append(year)
        years.sort(key=lambda y: y.start)
        for year, following in zip(years, years[1:], strict=False):
            if following.start != year.start + 1:
                continue
            for period in year.periods:
                if period.last_day >= following.rentree:
                    self.issues.append(
                        f"Ligne {period.line} : « {period.name} » ({year.label}) finit le "
                        f"{period.last_day.isoformat()}, après la rentrée {following.label} "
                        f"({following.rentree.isoformat()})."
                    )
        return CalendarFile(years=tuple(years))

    def school_year(self, node: Node) -> SchoolYear | None:
        fields = self.mapping(node, "Année scolaire", ("annee", "rentree", "vacances"))
        if fields is None:
            return None
        label_node = fields["annee"]
        label = label_node.value.strip() if isinstance(label_node, ScalarNode) else ""
        match = _YEAR.fullmatch(label)
        if match is None or int(match[2]) != int(match[1]) + 1:
            self.error(label_node, f"« annee » : « {label} » n'est pas de la forme 2025-2026.")
            return None
        start = int(match[1])
        what = f"Année {label}"
        rentree = self.date(fields["rentree"], f"{what}, « rentree »")
        if rentree is not None and not (
            datetime.date(start, 8, 15) <= rentree <= datetime.date(start, 9, 15)
        ):
            self.error(
                fields["rentree"],
                f"{what} : la rentrée doit être entre le 15 août et le 15 septembre {start}.",
            )
            rentree = None
        items = self.sequence(fields["vacances"], f"{what}, « vacances »")
        if rentree is None or items is None:
            return None
        periods: list[Period] = []
        for item in items:
            period = self.period(item, what, rentree)
            if period is None:
                continue
            for other in periods:
                shared = set(other.zones) & set(period.zones)
                if (
                    shared
                    and period.first_day <= other.last_day
                    and other.first_day <= period.last_day
                ):
                    self.error(
                        item,
                        f"{what} : « {period.name} » chevauche « {other.name} » (ligne "
                        f"{other.line}) en zone {', '.join(sorted(shared))}.",
                    )
                    break
            else:
                periods.append(period)
        return SchoolYear(
            label=label, start=start, rentree=rentree, periods=tuple(periods), line=_line(node)
        )

    def period(self, node: Node, what: str, rentree: datetime.date) -> Period | None:
        fields = self.mapping(node, f"{what}, période", ("nom", "zones", "du", "au"))
        if fields is None:
            return None
        name = self.text(fields["nom"], f"{what}, « nom »")
        zones = self.zones(fields["zones"], f"{what}, « zones »")
        first = self.date(fields["du"], f"{what}, « du »")
        last = self.date(fields["au"], f"{what}, « au »")
        if name is None or zones is None or first is None or last is None:
            return None
        end_of_year = datetime.date(rentree.year + 1, 9, 30)
        if last < first:
            self.error(
                fields["au"], f"{what} : « {name} » finit ({last}) avant de commencer ({first})."
            )
        elif first <= rentree or last > end_of_year:
            self.error(
                fields["du"],
                f"{what} : « {name} » doit être entre la rentrée ({rentree}) et le {end_of_year}.",
            )
        elif last - first >= _LONGEST_PERIOD:
            self.error(fields["au"], f"{what} : « {name} » dure plus de 75 jours.")
        else:
            return Period(name=name, zones=zones, first_day=first, last_day=last, line=_line(node))
        return None

    def zones(self, node: Node, what: str) -> tuple[str, ...] | None:
        items = self.sequence(node, what)
        if items is None:
            return None
        zones: list[str] = []
        for item in items:
            value = item.value.strip() if isinstance(item, ScalarNode) else ""
            if value not in Zone.values:
                self.error(item, f"{what} : zone inconnue « {value} » (A, B ou C).")
                return None
            if value in zones:
                self.error(item, f"{what} : la zone {value} est en double.")
                return None
            zones.append(value)
        return tuple(zones)


def rows_for(calendar: CalendarFile) -> list[dict[str, object]]:
    """The ``DayOff`` rows of a calendar: each period once per zone, and the public holidays
    of each school year (computed, see ``public_holidays``). Also used by the migration that
    loads the shipped file, hence plain field values."""
    rows: list[dict[str, object]] = []
    for year in calendar.years:
        for period in year.periods:
            rows.extend(
                {
                    "school_year": year.label,
                    "kind": "vacances",
                    "zone": zone,
                    "name": period.name,
                    "first_day": period.first_day,
                    "last_day": period.last_day,
                }
                for zone in period.zones
            )
        rows.extend(
            {
                "school_year": year.label,
                "kind": "ferie",
                "zone": "",
                "name": name,
                "first_day": day,
                "last_day": day,
            }
            for day, name in public_holidays_between(*year.span)
        )
    return rows
