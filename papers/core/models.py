from urllib.parse import urlsplit

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.urls import reverse
from django.utils import timezone

from . import arxiv
from .markdown import render_markdown

orcid_validator = RegexValidator(
    r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$", "Enter an ORCID iD such as 0000-0002-1825-0097."
)


class Category(models.Model):
    """An arXiv subject category (cs.LG, cs.CL, ...): a fixed facet, not curated."""

    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "categories"

    def __str__(self):
        return f"{self.code} ({self.name})" if self.name else self.code


class Topic(models.Model):
    """A curated research topic; the description is markdown rendered once on save."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=140, unique=True)
    description = models.TextField(blank=True, help_text="Markdown.")
    description_html = models.TextField(blank=True, editable=False)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="topic_not_own_parent"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.description_html = render_markdown(self.description)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("topic_detail", args=[self.slug])


class AuthorQuerySet(models.QuerySet):
    def public(self):
        """Authors a visitor may see: of at least one published paper. An author whose
        papers are all pending, hidden or rejected is not shown (staff still see it)."""
        return self.filter(
            Exists(Authorship.objects.filter(author=OuterRef("pk"), paper__status="published"))
        )


class Author(models.Model):
    name = models.CharField(max_length=300)
    slug = models.SlugField(max_length=100, unique=True)
    name_key = models.CharField(
        max_length=300, db_index=True, editable=False, help_text="Normalised name for matching."
    )
    affiliation = models.CharField(max_length=300, blank=True)
    homepage = models.URLField(max_length=500, blank=True)
    orcid = models.CharField("ORCID iD", max_length=19, blank=True, validators=[orcid_validator])
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author_profile",
        help_text="The member who claimed this profile.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AuthorQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["name", "id"], name="author_name_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["orcid"], condition=~Q(orcid=""), name="author_orcid_unique"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="author_name_not_empty"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        from .names import name_key

        self.name_key = name_key(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("author_detail", args=[self.slug])


class AuthorAlias(models.Model):
    """Another spelling of an author's name, so that importers find the author by it.

    Recorded when a curator merges duplicate authors (the merged name becomes an
    alias of the survivor) or added by hand in the admin. Only an exact
    normalised match counts, as for names.
    """

    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=300)
    name_key = models.CharField(max_length=300, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "author aliases"
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="authoralias_name_not_empty"),
        ]

    def __str__(self):
        return f"{self.name} → {self.author}"

    def save(self, *args, **kwargs):
        from .names import name_key

        self.name_key = name_key(self.name)
        super().save(*args, **kwargs)


class RepositoryQuerySet(models.QuerySet):
    def public(self):
        """Repositories a visitor may see: code of at least one published paper."""
        return self.filter(
            Exists(CodeLink.objects.filter(repository=OuterRef("pk"), paper__status="published"))
        )


class Repository(models.Model):
    url = models.URLField(max_length=500, unique=True, help_text="Canonical URL.")
    host = models.CharField(max_length=100)
    owner = models.CharField(max_length=200)
    name = models.CharField(max_length=200)
    stars = models.PositiveIntegerField(null=True, blank=True)
    language = models.CharField(max_length=50, blank=True)
    framework = models.CharField(
        max_length=50, blank=True, help_text="e.g. pytorch, jax, tf (lower case)."
    )
    description = models.TextField(blank=True)
    topics = models.JSONField(default=list, blank=True, help_text="The code host's topic tags.")
    archived = models.BooleanField(default=False)
    pushed_at = models.DateTimeField("last push", null=True, blank=True)
    gone_at = models.DateTimeField(
        null=True, blank=True, help_text="When the code host last said it no longer exists."
    )
    etag = models.CharField(max_length=200, blank=True, editable=False)
    last_synced = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RepositoryQuerySet.as_manager()

    class Meta:
        ordering = [F("stars").desc(nulls_last=True), "owner", "name"]
        verbose_name_plural = "repositories"
        constraints = [
            models.UniqueConstraint(
                fields=["host", "owner", "name"], name="repository_unique_path"
            ),
        ]
        indexes = [
            models.Index(F("stars").desc(), "id", name="repository_stars_idx"),
            models.Index("owner", "name", name="repository_owner_name_idx"),
        ]

    def __str__(self):
        return f"{self.owner}/{self.name}"

    def get_absolute_url(self):
        return reverse("repository_detail", args=[self.owner, self.name])


def parse_repository_url(url: str) -> dict:
    """Split a code-host URL into canonical ``url``, ``host``, ``owner`` and ``name``.

    Raises ``ValueError`` for a URL without an owner and a repository name.
    """
    parts = urlsplit((url or "").strip())
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError(f"{url!r} is not an http(s) repository URL")
    host = parts.hostname.lower().removeprefix("www.")
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) < 2:
        raise ValueError(f"{url!r} does not name an owner and a repository")
    owner, name = segments[0], segments[1].removesuffix(".git")
    return {"url": f"https://{host}/{owner}/{name}", "host": host, "owner": owner, "name": name}


# The orderings the site offers; each has a matching index on Paper.
PAPER_SORTS = {
    "top": ("-upvote_count", "-id"),
    "new": ("-listed_on", "-upvote_count", "-id"),
    "trending": ("-trending_score", "-upvote_count", "-id"),
}


def listing_prefetches() -> list[Prefetch]:
    """The related rows a paper card shows: authors in order, topics, code (best first)."""
    return [
        Prefetch(
            "authorships",
            queryset=Authorship.objects.select_related("author").order_by("position"),
        ),
        Prefetch("topics", queryset=Topic.objects.order_by("name")),
        Prefetch(
            "code_links",
            queryset=CodeLink.objects.select_related("repository").order_by(
                "-is_official", F("repository__stars").desc(nulls_last=True)
            ),
        ),
    ]


class PaperQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Paper.Status.PUBLISHED)

    def listed_between(self, start, end):
        return self.filter(listed_on__gte=start, listed_on__lte=end)

    def sorted_by(self, sort: str):
        return self.order_by(*PAPER_SORTS[sort])

    def with_listing_data(self):
        """Everything a paper card shows, in a constant number of queries."""
        return self.select_related("primary_category").prefetch_related(*listing_prefetches())

    def for_cards(self):
        """Papers for a page of cards: the related rows are read by papers/web/cards.py,
        and only for the cards it has no rendered copy of."""
        return self.select_related("primary_category", "submitted_by")

    def refresh_has_code(self):
        """Recompute the stored ``has_code`` flag from the code links."""
        return self.update(has_code=Exists(CodeLink.objects.filter(paper=OuterRef("pk"))))


class Paper(models.Model):
    class Status(models.TextChoices):
        PUBLISHED = "published", "Published"
        PENDING = "pending", "Pending review"
        HIDDEN = "hidden", "Hidden"
        REJECTED = "rejected", "Rejected"

    arxiv_id = models.CharField(
        "arXiv id",
        max_length=40,
        unique=True,
        null=True,
        blank=True,
        validators=[arxiv.validate_arxiv_id],
        help_text="Versionless, e.g. 2306.14846. Empty for papers not on arXiv.",
    )
    arxiv_version = models.PositiveSmallIntegerField(null=True, blank=True)
    title = models.CharField(max_length=500)
    abstract = models.TextField(blank=True)
    published = models.DateField(null=True, blank=True, help_text="arXiv v1 date.")
    published_precision = models.CharField(
        max_length=5,
        choices=[("day", "Day"), ("month", "Month")],
        default="day",
        help_text="How much of the published date is known (a month: from the arXiv id).",
    )
    arxiv_updated = models.DateField(null=True, blank=True, help_text="Latest arXiv version date.")
    listed_on = models.DateField(
        default=timezone.localdate, help_text="The daily edition the paper belongs to."
    )
    primary_category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="primary_papers"
    )
    categories = models.ManyToManyField(Category, blank=True, related_name="papers")
    pdf_url = models.URLField("PDF URL", max_length=500, blank=True)
    project_page = models.URLField(max_length=500, blank=True)
    comment = models.TextField(blank=True)
    journal_ref = models.CharField(max_length=500, blank=True)
    doi = models.CharField("DOI", max_length=200, blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PUBLISHED, db_index=True
    )
    featured = models.BooleanField(default=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="submitted_papers",
    )
    upvote_count = models.PositiveIntegerField(default=0, editable=False)
    trending_score = models.FloatField(default=0, editable=False)
    hf_upvotes = models.PositiveIntegerField(
        "Hugging Face upvotes",
        null=True,
        blank=True,
        help_text="Upvotes on Hugging Face Daily Papers when imported; not our members' votes.",
    )
    has_code = models.BooleanField(default=False, editable=False)
    comment_count = models.PositiveIntegerField(default=0, editable=False)
    thumbnail = models.ImageField(
        upload_to="thumbnails/%Y/%m/",
        blank=True,
        width_field="thumbnail_width",
        height_field="thumbnail_height",
        help_text="The first page of the PDF, small (made by the ingest worker).",
    )
    thumbnail_width = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    thumbnail_height = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    year = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        editable=False,
        help_text="Year of the paper: the published date's, else the one in its arXiv id.",
    )
    # Denormalised text for the search index (papers/core/derived.py keeps it fresh).
    authors_text = models.TextField(blank=True, default="", editable=False)
    topics_text = models.TextField(blank=True, default="", editable=False)
    authors = models.ManyToManyField(Author, through="Authorship", related_name="papers")
    topics = models.ManyToManyField(Topic, blank=True, related_name="papers")
    repositories = models.ManyToManyField(Repository, through="CodeLink", related_name="papers")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PaperQuerySet.as_manager()

    class Meta:
        ordering = ["-listed_on", "-upvote_count", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(arxiv_id=""), name="paper_arxiv_id_null_not_empty"),
            models.CheckConstraint(condition=~Q(title=""), name="paper_title_not_empty"),
            models.CheckConstraint(
                condition=Q(status__in=["published", "pending", "hidden", "rejected"]),
                name="paper_status_valid",
            ),
            models.CheckConstraint(condition=Q(trending_score__gte=0), name="paper_trending_gte_0"),
            models.CheckConstraint(
                condition=Q(published_precision__in=["day", "month"]),
                name="paper_published_precision_valid",
            ),
        ]
        # The full-text index (a PostgreSQL tsvector column with a GIN index, or a
        # SQLite FTS5 table) is the search app's (papers/search/schema.py).
        indexes = [
            # Daily/weekly/monthly editions and the "new" sort.
            models.Index(
                F("listed_on").desc(),
                F("upvote_count").desc(),
                F("id").desc(),
                name="paper_listed_idx",
                condition=Q(status="published"),
            ),
            models.Index(
                F("upvote_count").desc(),
                F("id").desc(),
                name="paper_top_idx",
                condition=Q(status="published"),
            ),
            models.Index(
                F("trending_score").desc(),
                F("upvote_count").desc(),
                F("id").desc(),
                name="paper_trending_idx",
                condition=Q(status="published"),
            ),
            # The year filter, and the year and code facets (an index-only scan).
            models.Index(
                fields=["year", "has_code"],
                name="paper_year_code_idx",
                condition=Q(status="published"),
            ),
            # Published papers' ids alone: facet counts join other tables to it with an
            # index-only scan instead of reading the wide papers table.
            models.Index(
                fields=["id"], name="paper_published_id_idx", condition=Q(status="published")
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.year = self.derive_year()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"published", "arxiv_id"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "year"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        if self.arxiv_id:
            return reverse("paper_detail", args=[self.arxiv_id])
        return reverse("paper_detail_by_pk", args=[self.pk])

    def derive_year(self) -> int | None:
        """The published date's year, else the submission year in the arXiv id."""
        if self.published:
            return self.published.year
        return arxiv.submission_year(self.arxiv_id)

    @property
    def arxiv_url(self):
        return arxiv.abs_url(self.arxiv_id) if self.arxiv_id else ""

    @property
    def pdf_link(self):
        return self.pdf_url or (arxiv.pdf_url(self.arxiv_id) if self.arxiv_id else "")

    @property
    def is_public(self):
        return self.status == self.Status.PUBLISHED


class Authorship(models.Model):
    """An author's place on a paper; ``position`` keeps the paper's author order."""

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="authorships")
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="authorships")
    position = models.PositiveIntegerField()
    affiliation = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["paper", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["paper", "position"], name="authorship_unique_position"
            ),
            models.UniqueConstraint(fields=["paper", "author"], name="authorship_unique_author"),
        ]
        indexes = [models.Index(fields=["author", "paper"], name="authorship_author_idx")]

    def __str__(self):
        return f"{self.author} on {self.paper} (#{self.position})"


class CodeLink(models.Model):
    """A repository holding code for a paper; ``is_official`` marks the authors' own."""

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="code_links")
    repository = models.ForeignKey(Repository, on_delete=models.CASCADE, related_name="paper_links")
    is_official = models.BooleanField(default=False)
    mentioned_in_paper = models.BooleanField(default=False)
    mentioned_in_github = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["paper", "repository"], name="codelink_unique"),
        ]
        indexes = [models.Index(fields=["repository", "paper"], name="codelink_repository_idx")]

    def __str__(self):
        return f"{self.repository} for {self.paper}"
