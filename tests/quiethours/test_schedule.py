"""``delivery_time`` on its edges: the circular's slots, the weekend, days off, the changes
of time in March and October, a school's own slots; then its properties for any moment and
any slots (Hypothesis, the suite's CI profile)."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.quiethours.schedule import PARIS, UTC, Schedule, delivery_time

CIRCULAR = Schedule()


def paris(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=PARIS)


# 2026: Friday 27 March is the last one on winter time (the clocks go forward on Sunday 29);
# Friday 23 October the last one on summer time (back on Sunday 25).
@pytest.mark.parametrize(
    ("sent", "delivered"),
    [
        # A school day: the slot is [07:00, 20:00).
        (paris(2026, 3, 11, 10, 0), paris(2026, 3, 11, 10, 0)),  # Wednesday
        (paris(2026, 3, 11, 19, 59), paris(2026, 3, 11, 19, 59)),
        (paris(2026, 3, 11, 20, 0), paris(2026, 3, 12, 7, 0)),
        (paris(2026, 3, 12, 0, 30), paris(2026, 3, 12, 7, 0)),
        # Friday evening to Monday morning.
        (paris(2026, 3, 13, 19, 59), paris(2026, 3, 13, 19, 59)),
        (paris(2026, 3, 13, 20, 0), paris(2026, 3, 16, 7, 0)),
        (paris(2026, 3, 14, 12, 0), paris(2026, 3, 16, 7, 0)),  # Saturday
        (paris(2026, 3, 16, 6, 59), paris(2026, 3, 16, 7, 0)),  # Monday
        (paris(2026, 3, 16, 7, 0), paris(2026, 3, 16, 7, 0)),
        # Across the March change: Monday 07:00 is summer time (05:00 UTC, not 06:00).
        (paris(2026, 3, 27, 21, 0), paris(2026, 3, 30, 7, 0)),
        (paris(2026, 3, 29, 3, 30), paris(2026, 3, 30, 7, 0)),
        # Across the October change: Monday 07:00 is winter time (06:00 UTC).
        (paris(2026, 10, 23, 21, 0), paris(2026, 10, 26, 7, 0)),
    ],
)
def test_the_circulars_slots(sent, delivered):
    assert delivery_time(sent, CIRCULAR) == delivered


def test_the_change_of_time_is_counted_in_hours():
    # Through UTC: Python subtracts two datetimes of the same zone as wall times.
    def held(sent: datetime.datetime) -> datetime.timedelta:
        return delivery_time(sent, CIRCULAR).astimezone(UTC) - sent.astimezone(UTC)

    march, october = held(paris(2026, 3, 27, 21, 0)), held(paris(2026, 10, 23, 21, 0))
    assert march == datetime.timedelta(hours=57)  # one hour less that weekend
    assert october == datetime.timedelta(hours=59)
    assert delivery_time(paris(2026, 3, 27, 21, 0), CIRCULAR).astimezone(UTC).hour == 5


# Toussaint holidays of zone A, 2026: from Saturday 17 October to Sunday 1 November; Monday 2
# November is the first school day; 11 November (a Wednesday) is a public holiday.
HOLIDAYS = frozenset(
    datetime.date(2026, 10, 17) + datetime.timedelta(days=n) for n in range(16)
) | {datetime.date(2026, 11, 11)}
WITH_HOLIDAYS = Schedule(days_off=HOLIDAYS)


@pytest.mark.parametrize(
    ("sent", "delivered"),
    [
        (paris(2026, 10, 16, 19, 59), paris(2026, 10, 16, 19, 59)),  # last school day
        (paris(2026, 10, 16, 20, 0), paris(2026, 11, 2, 7, 0)),
        (paris(2026, 10, 21, 10, 0), paris(2026, 11, 2, 7, 0)),  # a Wednesday of holidays
        (paris(2026, 11, 1, 23, 59), paris(2026, 11, 2, 7, 0)),
        (paris(2026, 11, 2, 6, 59), paris(2026, 11, 2, 7, 0)),
        (paris(2026, 11, 2, 7, 0), paris(2026, 11, 2, 7, 0)),
        (paris(2026, 11, 10, 20, 0), paris(2026, 11, 12, 7, 0)),  # the public holiday
        (paris(2026, 11, 11, 10, 0), paris(2026, 11, 12, 7, 0)),
    ],
)
def test_holidays_and_public_holidays_wait_for_the_next_school_morning(sent, delivered):
    assert delivery_time(sent, WITH_HOLIDAYS) == delivered


def test_a_schools_own_slots():
    school = Schedule(morning_end=datetime.time(7, 30), evening_start=datetime.time(18, 30))
    assert delivery_time(paris(2026, 3, 11, 18, 29), school) == paris(2026, 3, 11, 18, 29)
    assert delivery_time(paris(2026, 3, 11, 18, 30), school) == paris(2026, 3, 12, 7, 30)
    assert delivery_time(paris(2026, 3, 12, 7, 29), school) == paris(2026, 3, 12, 7, 30)


def test_a_morning_end_the_clock_skips_is_the_hour_it_shows():
    # A school opening its slot at 02:30 (absurd, but allowed): on Monday 30 March 2026 it
    # exists; were it on the Sunday of the change it would be 03:30 summer time.
    early = Schedule(morning_end=datetime.time(2, 30))
    assert early.slot(datetime.date(2026, 3, 29))[0] == paris(2026, 3, 29, 3, 30)


def test_a_naive_moment_is_refused():
    with pytest.raises(ValueError):
        delivery_time(datetime.datetime(2026, 3, 11, 10, 0), CIRCULAR)  # noqa: DTZ001


# --- properties ---------------------------------------------------------------------------

moments = st.datetimes(
    min_value=datetime.datetime(2025, 9, 1),  # noqa: DTZ001
    max_value=datetime.datetime(2028, 8, 31),  # noqa: DTZ001
    timezones=st.just(UTC),
)


@st.composite
def schedules(draw: st.DrawFn) -> Schedule:
    minutes = draw(st.integers(min_value=0, max_value=23 * 60 + 58))
    span = draw(st.integers(min_value=1, max_value=24 * 60 - 1 - minutes))
    start = datetime.date(2025, 9, 1)
    off = draw(st.frozensets(st.integers(min_value=0, max_value=3 * 366), max_size=200))
    return Schedule(
        morning_end=datetime.time(*divmod(minutes, 60)),
        evening_start=datetime.time(*divmod(minutes + span, 60)),
        days_off=frozenset(start + datetime.timedelta(days=n) for n in off),
    )


def _open(moment: datetime.datetime, schedule: Schedule) -> bool:
    day = moment.astimezone(PARIS).date()
    opens, closes = schedule.slot(day)
    return schedule.is_school_day(day) and opens <= moment < closes


@given(moments, schedules())
def test_delivered_in_a_slot_never_before_and_at_the_first_open_instant(moment, schedule):
    delivered = delivery_time(moment, schedule)
    assert delivered >= moment
    assert _open(delivered, schedule)
    assert delivery_time(delivered, schedule) == delivered
    if delivered != moment:
        assert not _open(moment, schedule)
        # No slot opens between the moment and the delivery: it starts one.
        assert delivered == schedule.slot(delivered.astimezone(PARIS).date())[0]
        day = moment.astimezone(PARIS).date()
        while day < delivered.astimezone(PARIS).date():
            opens, closes = schedule.slot(day)
            assert not schedule.is_school_day(day) or closes <= moment or opens >= delivered
            day += datetime.timedelta(days=1)


@given(moments, moments, schedules())
def test_a_later_moment_is_never_delivered_earlier(first, second, schedule):
    first, second = sorted((first, second))
    # Through UTC: Python compares two datetimes of the same zone as wall times.
    assert delivery_time(first, schedule).astimezone(UTC) <= delivery_time(
        second, schedule
    ).astimezone(UTC)
