"""More like this, the part both engines share: which terms of a paper say most about it.

A paper's most distinctive terms are the words of its title, topic names and
abstract (weighted in that order), each weighed by how rare it is in the
catalogue. Each engine (papers/search/engines/) reads the paper's terms and their
rarity its own way and finds the papers that share them; the weighing, the
choice of which terms to look up and the scoring are the same here for both.
"""

import dataclasses
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from .query import STOP_WORDS

SIMILAR_TERMS = 12  # distinctive terms a "more like this" query is built from
SIMILAR_CANDIDATES = 100  # papers it ranks by their text, at most
# What a mention of a term says, by where it is: the title says most, then the topic
# names, then the abstract. Author names are left out: shared authors count on their
# own (papers/search/similar.py), and a name says little about the subject.
SIMILAR_PLACE_WEIGHTS = (3.0, 2.0, 1.0)  # title, topics, abstract
SIMILAR_MENTIONS_CAP = 6.0  # a term said ten times says little more than one said six
SIMILAR_TITLE_MATCH = 1.5  # a shared term counts this much more in the other paper's title
SIMILAR_MAX_SHARE = 0.3  # a term in more than this share of the papers is not distinctive
SIMILAR_FEW_PAPERS = 10  # ... unless it is in this few papers (a small catalogue)


@dataclass(frozen=True)
class SimilarTerm:
    """A term of a paper for "more like this"."""

    lexeme: str  # as the index stores it (stemmed): what queries match
    word: str  # as the paper writes it: what readers are shown
    weight: float  # mentions weighted by place, times rarity (log inverse document share)
    share: float = 0.0  # share of the papers with the term (an estimate on PostgreSQL)
    rows: float = 0.0  # how many papers that is
    counted: bool = True  # False: rarer than the statistics tell apart (maybe in no other paper)


# the parts of such words as terms of their own, and these say nothing on their own.
WORD_PREFIXES = frozenset(
    "anti co cross end inter intra multi non over post pre re self semi sub under well".split()
)
_PLAIN_TERM = re.compile(r"[^\W_]+")  # letters and digits only: no URL, path or compound


SIMILAR_MATCH_BUDGET = 150  # papers a "more like this" query should match (estimated)
SIMILAR_MATCH_CAP = 300  # papers it ranks at most, whatever the estimate said


def retrieval(terms: list[SimilarTerm]) -> tuple[str, list[SimilarTerm]]:
    """How to find candidates through the index within ``SIMILAR_MATCH_BUDGET`` rows:
    ``("any", terms)``: papers with any of the terms, the rarest first while the
    estimated matches stay within budget (on a catalogue with a long tail of rare
    words, the usual case); else ``("all", terms)``: papers with all of the two or
    three rarest terms whose counts are known (common words only: every term is in
    thousands of papers)."""
    rarest = sorted(terms, key=lambda term: (term.rows, -term.weight))
    chosen, rows = [], 0.0
    for term in rarest:
        if chosen and rows + term.rows > SIMILAR_MATCH_BUDGET:
            break
        chosen.append(term)
        rows += term.rows
    if rows <= SIMILAR_MATCH_BUDGET or len(rarest) < 2:
        return "any", chosen
    counted = [term for term in rarest if term.counted] or rarest
    together = counted[:2]
    estimate = together[0].rows * together[1].share
    if estimate > SIMILAR_MATCH_BUDGET and len(counted) > 2:
        together = counted[:3]
    return "all", together


def similarity_scores(rows, terms: list[SimilarTerm]) -> list[tuple[int, float]]:
    """``(paper id, text score)``, best first, from ``(paper id, engine rank, shared
    weight)`` rows. The score is the share of the paper's terms (by weight) that the
    other paper has, a term in the other paper's title counting ``SIMILAR_TITLE_MATCH``
    times; the engine's rank only breaks near-ties. Both engines score alike."""
    total = SIMILAR_TITLE_MATCH * sum(term.weight for term in terms) or 1.0
    top_rank = max((float(rank) for _, rank, _ in rows), default=0.0) or 1.0
    scored = [
        (pk, 0.99 * float(shared) / total + 0.01 * float(rank) / top_rank)
        for pk, rank, shared in rows
    ]
    return sorted(scored, key=lambda row: (-row[1], -row[0]))


def heaviest(terms: list[SimilarTerm], texts: list[str], limit: int) -> list[SimilarTerm]:
    """The ``limit`` heaviest terms. A word the paper only writes inside hyphenated
    words ("zero" of "zero-shot") counts half: both engines index the parts of such a
    word as terms, and one idea should not count twice."""
    text = "\n".join(texts).lower()
    standalone = Counter(re.findall(r"(?<![\w-])\w+(?![\w-])", text))
    weighed = [
        term
        if standalone[term.word] or term.word not in text
        else dataclasses.replace(term, weight=term.weight / 2)
        for term in terms
    ]
    weighed.sort(key=lambda term: (-term.weight, term.lexeme))
    return weighed[:limit]


def distinctive(share: float, rows: float) -> bool:
    """Whether a term in ``rows`` papers (``share`` of them) can tell papers apart: not
    in most of them (a small catalogue's terms all are: only the count matters there)."""
    return share <= SIMILAR_MAX_SHARE or rows <= SIMILAR_FEW_PAPERS


def countable_term(lexeme: str) -> bool:
    """Whether a term can stand for a subject: a plain word of three letters or more, not
    a number, a stop word or a word prefix (and nothing a query would need to escape)."""
    return (
        len(lexeme) >= 3
        and _PLAIN_TERM.fullmatch(lexeme) is not None
        and not lexeme.isdigit()
        and lexeme not in STOP_WORDS
        and lexeme not in WORD_PREFIXES
    )


def words_of(texts: Iterable[str]) -> Counter:
    """How often each word (and each part of a hyphenated word) appears, lower-cased."""
    counts = Counter()
    for text in texts:
        for word in re.findall(r"\w+(?:-\w+)*", (text or "").lower()):
            counts[word] += 1
            if "-" in word:
                counts.update(word.split("-"))
    return counts


def word_for(lexeme: str, counts: Counter) -> str:
    """The paper's own word for a stemmed lexeme ("prove" -> "proving"): the lexeme if
    the paper writes it, else its most frequent word that starts with the lexeme (or
    with all of it but the last letter, for stems such as "studi"), else the lexeme."""
    if lexeme in counts:
        return lexeme
    prefixes = [lexeme] + ([lexeme[:-1]] if len(lexeme) > 4 else [])
    for prefix in prefixes:
        found = [word for word in counts if word.startswith(prefix)]
        if found:
            return min(found, key=lambda word: (-counts[word], len(word), word))
    return lexeme
