from . import arxiv


class ArxivIdConverter:
    """A versionless arXiv id in a URL: ``2306.14846`` or ``hep-th/9901001``."""

    regex = arxiv.ID_PATTERN

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value
