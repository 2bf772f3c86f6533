"""A whole number from a visitor: digits only, short enough for a database key."""

from apps.numbers import whole_number


def test_only_short_ascii_digits_are_numbers():
    assert whole_number("12") == 12
    assert whole_number(7) == 7
    for bad in ("", None, "-3", " 12", "1_000", "١٢", "+4", "1e3", "9" * 12, "12.0"):
        assert whole_number(bad) is None, bad
