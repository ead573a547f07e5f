from . import arxiv


class ArxivIdConverter:
    """A versionless arXiv id in a URL: ``2306.14846`` or ``hep-th/9901001``."""

    regex = arxiv.ID_PATTERN

    def to_python(self, value):
        if not arxiv.is_valid(value):  # an impossible month or era: no such page
            raise ValueError(value)
        return value

    def to_url(self, value):
        return value


class SegmentConverter:
    """Like ``str`` (any text up to the next ``/``) but never a control character.

    PostgreSQL refuses NUL in text, so ``/users/%00/`` would otherwise be a
    database error instead of a 404; no name, key or token contains one.
    """

    regex = r"[^/\x00-\x1f\x7f]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value
