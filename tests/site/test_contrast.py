"""The WCAG contrast module: luminance and ratio against known values, the French refusal."""

import pytest

from apps.site.contrast import (
    AA_TEXT,
    PALETTE,
    colour_name,
    contrast_ratio,
    ratio_text,
    refusal,
    relative_luminance,
)


def test_luminance_of_white_black_and_a_grey():
    assert relative_luminance("#ffffff") == pytest.approx(1.0)
    assert relative_luminance("#000000") == pytest.approx(0.0)
    # sRGB 0x77 = 119: ((119/255 + 0.055) / 1.055) ** 2.4
    assert relative_luminance("#777777") == pytest.approx(0.18447, abs=1e-4)


def test_ratios_of_known_pairs():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#000000") == pytest.approx(21.0)  # order does not matter
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # AA's grey
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio("#abcdef", "#abcdef") == pytest.approx(1.0)


def test_the_ratio_is_written_in_french_and_rounded_down():
    assert ratio_text(4.4999) == "4,4:1"
    assert ratio_text(21) == "21,0:1"


def test_white_on_yellow_is_refused_with_the_reason():
    assert refusal(background="#ffd23f", text="#ffffff") == (
        "Le texte blanc sur ce jaune n'est pas assez lisible : contraste 1,4:1, "
        "il faut au moins 4,5:1."
    )


def test_a_pair_just_below_aa_is_refused_and_one_just_above_is_kept():
    assert refusal(background="#777777", text="#ffffff") is not None
    assert refusal(background="#767676", text="#ffffff") is None


def test_orange_takes_cet():
    assert "sur cet orange" in (refusal(background="#f4a261", text="#ffffff") or "")


@pytest.mark.parametrize("background, text, name", PALETTE)
def test_every_pair_of_the_palette_reaches_aa(background, text, name):
    assert contrast_ratio(background, text) >= AA_TEXT, name


def test_the_palette_has_a_dozen_distinct_pairs():
    assert len({(b, t) for b, t, _ in PALETTE}) == 12


@pytest.mark.parametrize(
    "colour, name",
    [
        ("#ffffff", "blanc"),
        ("#000000", "noir"),
        ("#808080", "gris"),
        ("#ffff00", "jaune"),
        ("#003f7d", "bleu"),
        ("#1e5631", "vert"),
        ("#9b2226", "rouge"),
    ],
)
def test_colour_names(colour, name):
    assert colour_name(colour) == name


def test_a_malformed_colour_is_a_value_error():
    with pytest.raises(ValueError):
        contrast_ratio("red", "#ffffff")
