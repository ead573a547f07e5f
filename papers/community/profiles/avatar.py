"""Generated avatars: a member's initials on a colour of their own, made here.

No request goes to an outside avatar service, and no image is drawn: the avatar
is a small element with the initials and a colour class (``avatar-0`` to
``avatar-7`` in static/css/community.css, each with enough contrast for white
text), so it costs nothing to load and a strict CSP allows it. The colour comes
from the username, so it never changes; the initials follow the shown name.
"""

import hashlib

COLOURS = 8


def initials(name: str) -> str:
    """Up to two letters: the first letters of the first two words ("Ada Lovelace" ->
    "AL"), else the first letter ("ada" -> "A"); "?" when there is no letter or digit."""
    words = ["".join(ch for ch in word if ch.isalnum()) for word in (name or "").split()]
    words = [word for word in words if word]
    if not words:
        return "?"
    letters = words[0][0] + (words[1][0] if len(words) > 1 else "")
    return letters.upper()


def colour(username: str) -> int:
    digest = hashlib.sha256((username or "").encode()).digest()
    return digest[0] % COLOURS
