"""Telling members apart: usernames that look alike are the same name.

``username_skeleton`` follows Unicode TR39's skeleton (after the NFKC form Django
gives usernames): decompose, replace every
character by the prototype of its confusable set (``аlice`` with a Cyrillic
``а`` becomes ``alice``; ``𝐦𝟎𝟔`` becomes ``rnO6``... the same as ``m06``),
decompose again; then drop invisible format characters and fold the case. Two
usernames with one skeleton could be mistaken for each other, so sign-up refuses
the second (and the database's unique constraint on the stored skeleton holds it).
The confusable sets are Unicode's ``confusables.txt``, as packaged by
``confusable-homoglyphs``.
"""

import unicodedata
from functools import cache

from confusable_homoglyphs import utils as homoglyphs


@cache
def _prototypes() -> dict[str, str]:
    table = homoglyphs.load("confusables.json")
    prototypes = {}
    for char, entries in table.items():
        if len(entries) != 1:
            continue  # a prototype: its entries are the characters mistaken for it
        target = entries[0]["c"]
        back = table.get(target, [])
        if not any(entry["c"] == char for entry in back):
            continue
        if len(back) == 1 and char < target:
            continue  # two characters naming each other: the smaller is the prototype
        prototypes[char] = target
    return prototypes


def username_skeleton(username: str) -> str:
    prototypes = _prototypes()
    # NFKC first, as Django normalises usernames (fullwidth and styled letters).
    text = unicodedata.normalize("NFD", unicodedata.normalize("NFKC", username or ""))
    text = "".join(prototypes.get(char, char) for char in text)
    text = unicodedata.normalize("NFD", text)
    text = "".join(char for char in text if unicodedata.category(char) != "Cf")
    return text.casefold()
