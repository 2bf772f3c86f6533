"""The French words that hold a post for the teacher before the class sees it: insults, slurs,
threats and what a child in distress may write. Matched on whole words, accents and case
folded, so that "CRÈVE" and "creve" are both caught; a few common letter swaps ("c0n", "m3rde")
are folded too. A held post is released or deleted by the teacher: a false alarm costs a
click, a miss costs a child."""

from __future__ import annotations

import re
import unicodedata

# Single words (folded: no accents, lower case).
WORDS = frozenset(
    """
    abruti abrutie batard batarde bouffon bouffonne bougnoule chier chiasse con conne
    connard connarde connasse couille couilles creve crever debile encule enculee enfoire
    enfoiree fdp gouine grognasse negre negro nique niquer ntm pd pede pedes pouffiasse
    pute putain putes salaud salope salopes schizo tapette tg tuer tuerai frapperai suicide
    suicider merde merdeux merdeuse mongol mongole attarde attardee gogol
    """.split()
)
# Expressions of several words (folded, one space between words).
EXPRESSIONS = (
    "ta gueule",
    "ferme ta gueule",
    "ta mere",
    "je vais te tuer",
    "je vais te frapper",
    "tue toi",
    "va mourir",
    "je veux mourir",
    "personne ne m'aime",
)
_SWAPS = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "@": "a", "$": "s", "5": "s"})
_WORD = re.compile(r"[a-z']+")


def folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(_SWAPS))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def flagged_words(text: str) -> list[str]:
    """The listed words and expressions ``text`` contains, in the order of the lists."""
    plain = folded(text)
    words = _WORD.findall(plain.replace("-", " "))
    joined = " ".join(words)
    found = [w for w in dict.fromkeys(words) if w in WORDS]
    found += [e for e in EXPRESSIONS if f" {e} " in f" {joined} "]
    return found
