"""The search language: what a reader types into ``q``, read once.

Words (all must match), ``"exact phrase"``, ``-excluded``, ``or`` between two
terms. ``parse_query`` never fails: whatever it could not use is said in
``ParsedQuery.notices``. Each engine (papers/search/engines/) gets a
translation of the same parse.
"""

import re
from dataclasses import dataclass, field

MAX_QUERY_LENGTH = 200  # characters of ``q`` that are read; the rest is dropped
MAX_TERMS = 10  # words and phrases per query

# PostgreSQL's english stop words: not searched for on either database, so that
# "theorem proving in isabelle" means the same everywhere.
STOP_WORDS = frozenset(
    """a about above after again against all am an and any are as at be because been
    before being below between both but by can did do does doing don down during each
    few for from further had has have having he her here hers herself him himself his
    how i if in into is it its itself just me more most my myself no nor not now of off
    on once only or other our ours ourselves out over own s same she should so some such
    t than that the their theirs them themselves then there these they this those
    through to too under until up very was we were what when where which while who whom
    why will with you your yours yourself yourselves""".split()
)

_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ue000-\ue004]")
WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Term:
    """A word, or a phrase whose words must appear in this order."""

    words: tuple[str, ...]
    quoted: bool = False

    @property
    def is_phrase(self) -> bool:
        return self.quoted or len(self.words) > 1

    def websearch(self) -> str:
        text = " ".join(self.words)
        return f'"{text}"' if self.is_phrase else text

    def __str__(self):
        return self.websearch()


@dataclass(frozen=True)
class ParsedQuery:
    """A search as understood: AND of OR-groups of terms, minus excluded terms."""

    text: str = ""
    groups: tuple[tuple[Term, ...], ...] = ()
    excluded: tuple[Term, ...] = ()
    notices: tuple[str, ...] = field(default=(), compare=False)
    # Words typed next to each other (two plain words, with the common words typed
    # between them): ranking prefers papers that have them side by side.
    neighbours: tuple[tuple[str, ...], ...] = field(default=(), compare=False)

    def __bool__(self) -> bool:
        return bool(self.groups)

    @property
    def has_quotes(self) -> bool:
        return any(term.quoted for group in self.groups for term in group) or any(
            term.quoted for term in self.excluded
        )

    def websearch(self) -> str:
        """The query in web-search syntax, as ``websearch_to_tsquery`` reads it."""
        parts = [" or ".join(term.websearch() for term in group) for group in self.groups]
        parts += [f"-{term.websearch()}" for term in self.excluded]
        return " ".join(parts)

    def positive(self) -> "ParsedQuery":
        """The query without its exclusions (ranking scores what was asked for)."""
        return ParsedQuery(text=self.text, groups=self.groups, neighbours=self.neighbours)

    def phrases(self) -> tuple[tuple[str, ...], ...]:
        """What ranking looks for side by side, in this order: every phrase searched for
        (quoted, or written as one word such as ``GPT-4``) and every two plain words
        typed next to each other (``world model``; ``proving in isabelle`` keeps the
        common word between them). Empty for a single word or words joined by ``or``."""
        found = [
            term.words
            for group in self.groups
            if len(group) == 1
            for term in group
            if len(term.words) > 1
        ]
        found += [pair for pair in self.neighbours if pair not in found]
        return tuple(found)

    def any_words(self) -> str:
        """Every term joined by ``or``: the loosest search with these words."""
        return " or ".join(term.websearch() for group in self.groups for term in group)

    def without_quotes(self) -> str:
        """The same words with the quotes dropped: a looser search to offer."""
        parts = [" or ".join(" ".join(term.words) for term in group) for group in self.groups]
        parts += ["-" + " -".join(term.words) for term in self.excluded]
        return " ".join(parts)

    def fts5(self) -> str:
        """The query in SQLite FTS5 syntax; every term is a quoted string."""

        def quoted(term):
            return '"' + " ".join(term.words) + '"'

        groups = []
        for group in self.groups:
            if len(group) == 1:
                groups.append(quoted(group[0]))
            else:
                groups.append("(" + " OR ".join(quoted(term) for term in group) + ")")
        query = " AND ".join(groups)
        if self.excluded:
            query = f"({query}) NOT ({' OR '.join(quoted(term) for term in self.excluded)})"
        return query

    @property
    def words(self) -> list[str]:
        """The searched words, longest first (for approximate name matching)."""
        found = {word for group in self.groups for term in group for word in term.words}
        return sorted(found, key=lambda word: (-len(word), word))


def strip_control_characters(text: str) -> str:
    return _CONTROL_CHARS.sub(" ", text)


def parse_query(text: str | None) -> ParsedQuery:
    """Read ``q``: never fails; whatever it could not use is said in ``notices``."""
    notices = []
    text = _CONTROL_CHARS.sub(" ", text or "")
    if len(text) > MAX_QUERY_LENGTH:
        text = text[:MAX_QUERY_LENGTH]
        notices.append(
            f"Searches are limited to {MAX_QUERY_LENGTH} characters; the rest was left out."
        )
    text = " ".join(text.split())
    tokens, unbalanced = _tokenize(text)
    if unbalanced:
        notices.append("A quotation mark was not closed; the phrase runs to the end of the search.")

    groups: list[list[Term]] = []
    excluded: list[Term] = []
    join_next = False
    dropped_stop_words = False
    # What was typed, in order: ("word", word, group index) for a plain word starting a
    # group, ("stop", word) for a common word left out, None for anything else.
    sequence: list[tuple | None] = []
    for kind, value, negated in tokens:
        if kind == "or":
            join_next = bool(groups)
            sequence.append(None)
            continue
        words = tuple(word.lower() for word in WORD.findall(value))
        if kind == "word" and len(words) == 1 and words[0] in STOP_WORDS:
            dropped_stop_words = True
            sequence.append(None if negated else ("stop", words[0]))
            continue
        if not words:
            continue
        term = Term(words=words, quoted=kind == "phrase")
        if negated:
            excluded.append(term)
            sequence.append(None)
        elif join_next:
            groups[-1].append(term)
            sequence.append(None)
        else:
            groups.append([term])
            plain = kind == "word" and len(words) == 1
            sequence.append(("word", words[0], len(groups) - 1) if plain else None)
        join_next = False

    total = sum(len(group) for group in groups) + len(excluded)
    if total > MAX_TERMS:
        notices.append(f"Only the first {MAX_TERMS} words and phrases were searched for.")
        kept, budget = [], MAX_TERMS
        for group in groups:
            if budget <= 0:
                break
            kept.append(group[:budget])
            budget -= len(kept[-1])
        groups, excluded = kept, excluded[: max(budget, 0)]
    if not groups and (excluded or dropped_stop_words):
        notices.append(
            "Add a word to search for: a search cannot only exclude words or use common "
            "words such as “the”."
        )
        excluded = []
    return ParsedQuery(
        text=text,
        groups=tuple(tuple(group) for group in groups),
        excluded=tuple(excluded),
        notices=tuple(notices),
        neighbours=_neighbours(sequence, groups),
    )


def _neighbours(sequence, groups) -> tuple[tuple[str, ...], ...]:
    """Two plain words typed one after the other (only common words between them),
    each a group of its own (not joined to another by ``or``) that was kept."""

    def alone(index):
        return index < len(groups) and len(groups[index]) == 1

    found, previous, between = [], None, []
    for item in sequence:
        if item is None:
            previous, between = None, []
        elif item[0] == "stop":
            if previous is not None:
                between.append(item[1])
        else:
            _, word, index = item
            if previous is not None and alone(previous[1]) and alone(index):
                pair = (previous[0], *between, word)
                if pair not in found:
                    found.append(pair)
            previous, between = (word, index), []
    return tuple(found)


def _tokenize(text: str) -> tuple[list[tuple[str, str, bool]], bool]:
    """Split into ``(kind, value, negated)``: kind is ``word``, ``phrase`` or ``or``."""
    tokens = []
    unbalanced = False
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        negated = False
        if text[i] == "-" and i + 1 < n and not text[i + 1].isspace():
            negated = True
            i += 1
        if text[i] == '"':
            end = text.find('"', i + 1)
            if end == -1:
                unbalanced = True
                end = n
            tokens.append(("phrase", text[i + 1 : end], negated))
            i = end + 1
            continue
        start = i
        while i < n and not text[i].isspace() and text[i] != '"':
            i += 1
        value = text[start:i]
        if value.lower() == "or" and not negated:
            tokens.append(("or", value, False))
        else:
            tokens.append(("word", value, negated))
    return tokens, unbalanced
