"""Contrast of a text colour on a background colour, as WCAG 2.2 defines it (relative
luminance of sRGB colours, ratio (L1 + 0.05) / (L2 + 0.05)), and the French sentence that
refuses a pair below level AA for body text (4.5:1). Pure functions, no Django.

The ratio is shown rounded *down* to one decimal, so that a pair refused at 4.47:1 never reads
« 4,5:1 » in the sentence that refuses it.
"""

from __future__ import annotations

import colorsys
import math
import re

AA_TEXT = 4.5
_HEX = re.compile(r"^#([0-9a-fA-F]{6})$")


def rgb(colour: str) -> tuple[int, int, int]:
    """``#rrggbb`` → (r, g, b); ``ValueError`` for anything else."""
    match = _HEX.match(colour.strip())
    if not match:
        raise ValueError(f"not a #rrggbb colour: {colour!r}")
    value = match.group(1)
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    r, g, b = rgb(colour)
    return 0.2126 * _linear(r) + 0.7152 * _linear(g) + 0.0722 * _linear(b)


def contrast_ratio(first: str, second: str) -> float:
    """From 1 (same luminance) to 21 (black on white), whichever order they come in."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def ratio_text(ratio: float) -> str:
    """4.4738 → « 4,4:1 » (rounded down)."""
    shown = math.floor(ratio * 10) / 10
    return f"{shown:.1f}".replace(".", ",") + ":1"


# Hue ranges (degrees) and the French name of the colour, masculine (« le texte bleu »).
_HUES = (
    (15, "rouge"),
    (40, "orange"),
    (70, "jaune"),
    (160, "vert"),
    (195, "turquoise"),
    (255, "bleu"),
    (290, "violet"),
    (345, "rose"),
    (360, "rouge"),
)


def colour_name(colour: str) -> str:
    """A plain French name for a colour: « blanc », « gris », « jaune »…"""
    r, g, b = rgb(colour)
    hue, lightness, saturation = colorsys.rgb_to_hls(r / 255, g / 255, b / 255)
    if saturation < 0.15 or lightness > 0.95 or lightness < 0.06:
        if lightness > 0.9:
            return "blanc"
        if lightness < 0.15:
            return "noir"
        return "gris"
    degrees = hue * 360
    return next(name for limit, name in _HUES if degrees < limit)


def _demonstrative(name: str) -> str:
    return f"cet {name}" if name[0] in "aeiouy" else f"ce {name}"


def refusal(*, background: str, text: str) -> str | None:
    """The French reason a pair is refused, or ``None`` when it reaches AA for text."""
    ratio = contrast_ratio(background, text)
    if ratio >= AA_TEXT:
        return None
    text_name, background_name = colour_name(text), colour_name(background)
    if text_name == background_name:
        what = f"Le texte {text_name} sur un fond {background_name} si proche"
    else:
        what = f"Le texte {text_name} sur {_demonstrative(background_name)}"
    return (
        f"{what} n'est pas assez lisible : contraste {ratio_text(ratio)}, "
        f"il faut au moins {ratio_text(AA_TEXT)}."
    )


# Pairs offered in the form (background, text, name), all above AA (tests/site/test_contrast.py).
PALETTE: tuple[tuple[str, str, str], ...] = (
    ("#003f7d", "#ffffff", "Bleu marine"),
    ("#005f73", "#ffffff", "Bleu canard"),
    ("#1e5631", "#ffffff", "Vert forêt"),
    ("#9b2226", "#ffffff", "Rouge brique"),
    ("#5a189a", "#ffffff", "Violet"),
    ("#6f4518", "#ffffff", "Brun"),
    ("#333333", "#ffffff", "Anthracite"),
    ("#ffd23f", "#1a1a1a", "Jaune soleil"),
    ("#b7e4c7", "#1a1a1a", "Vert d'eau"),
    ("#bde0fe", "#1a1a1a", "Bleu ciel"),
    ("#ffc8dd", "#1a1a1a", "Rose pâle"),
    ("#f4a261", "#1a1a1a", "Orange doux"),
)
