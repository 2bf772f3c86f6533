"""The XSS corpus, ``xss_vectors.txt`` (its format is told at its top)."""

from __future__ import annotations

from pathlib import Path

CORPUS = Path(__file__).with_name("xss_vectors.txt")
PLACEHOLDERS = {"{TAB}": "\t", "{LF}": "\n", "{CR}": "\r", "{FF}": "\f", "{NUL}": "\x00"}


def vectors() -> list[str]:
    found = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if not line or line == "#" or line.startswith("# "):
            continue
        for placeholder, character in PLACEHOLDERS.items():
            line = line.replace(placeholder, character)
        found.append(line)
    return found
