import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from papers.community.models import Upvote
from papers.core import arxiv
from papers.core.markdown import render_markdown
from papers.core.models import Author, Authorship, CodeLink, Paper, Topic, parse_repository_url
from papers.core.names import ascii_slug, name_key
from tests.factories import make_author, make_paper, make_repository, make_topic, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.engine]  # constraints are the database's


def integrity_error(callable_):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()


class TestArxivIds:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("2306.14846", ("2306.14846", None)),
            ("2401.12345v2", ("2401.12345", 2)),
            ("0704.0001", ("0704.0001", None)),
            ("hep-th/9901001v1", ("hep-th/9901001", 1)),
            ("math.AG/0601001", ("math/0601001", None)),
            ("arXiv:2306.14846v3", ("2306.14846", 3)),
            ("https://arxiv.org/abs/2306.14846v2", ("2306.14846", 2)),
            ("http://arxiv.org/pdf/2306.14846.pdf", ("2306.14846", None)),
            ("https://export.arxiv.org/abs/hep-th/9901001", ("hep-th/9901001", None)),
            ("  2306.14846  ", ("2306.14846", None)),
        ],
    )
    def test_parse(self, value, expected):
        assert arxiv.parse_arxiv_id(value) == expected

    @pytest.mark.parametrize(
        "value", ["", "2306", "2306.148", "23061.4846", "hello/123", "2306.14846v", "../etc"]
    )
    def test_rejects_malformed(self, value):
        with pytest.raises(arxiv.InvalidArxivId):
            arxiv.parse_arxiv_id(value)

    def test_model_validation_rejects_versioned_id(self):
        paper = Paper(title="T", arxiv_id="2306.14846v2")
        with pytest.raises(ValidationError) as excinfo:
            paper.full_clean()
        assert "arxiv_id" in excinfo.value.message_dict


class TestPaperConstraints:
    def test_arxiv_id_unique(self):
        make_paper(arxiv_id="2306.14846")
        integrity_error(lambda: make_paper(arxiv_id="2306.14846"))

    def test_many_papers_without_arxiv_id(self):
        make_paper(arxiv_id=None)
        make_paper(arxiv_id=None)
        assert Paper.objects.filter(arxiv_id__isnull=True).count() == 2

    def test_empty_arxiv_id_rejected(self):
        integrity_error(lambda: make_paper(arxiv_id=""))

    def test_empty_title_rejected(self):
        integrity_error(lambda: make_paper(title=""))

    def test_unknown_status_rejected(self):
        integrity_error(lambda: make_paper(status="deleted"))

    def test_negative_counts_rejected(self):
        paper = make_paper()
        integrity_error(lambda: Paper.objects.filter(pk=paper.pk).update(upvote_count=-1))
        integrity_error(lambda: Paper.objects.filter(pk=paper.pk).update(trending_score=-0.5))

    def test_published_manager(self):
        shown = make_paper()
        make_paper(status=Paper.Status.HIDDEN)
        make_paper(status=Paper.Status.PENDING)
        assert list(Paper.objects.published()) == [shown]

    def test_url_for_old_style_and_missing_ids(self):
        assert make_paper(arxiv_id="hep-th/9901001").get_absolute_url() == "/papers/hep-th/9901001/"
        paper = make_paper(arxiv_id=None)
        assert paper.get_absolute_url() == f"/papers/id/{paper.pk}/"


class TestAuthorship:
    def test_author_order_kept(self):
        paper = make_paper(authors=["Carol Third", "Alice First", "Bob Second"])
        names = [a.author.name for a in paper.authorships.order_by("position")]
        assert names == ["Carol Third", "Alice First", "Bob Second"]

    def test_position_unique_per_paper(self):
        paper = make_paper(authors=["A One"])
        author = make_author()
        integrity_error(lambda: Authorship.objects.create(paper=paper, author=author, position=1))

    def test_author_once_per_paper(self):
        author = make_author()
        paper = make_paper(authors=[author])
        integrity_error(lambda: Authorship.objects.create(paper=paper, author=author, position=2))

    def test_orcid_unique_but_blank_allowed_many_times(self):
        make_author(orcid="0000-0002-1825-0097")
        make_author(orcid="")
        make_author(orcid="")
        integrity_error(lambda: make_author(orcid="0000-0002-1825-0097"))

    def test_name_key_set_on_save(self):
        author = make_author(name="  Jürgen   Schmidhuber ")
        assert author.name_key == "  jürgen   schmidhuber ".strip().replace("   ", " ")
        assert Author.objects.filter(name_key=name_key("JÜRGEN SCHMIDHUBER")).exists()


class TestVotesAndLinks:
    def test_one_upvote_per_member_and_paper(self):
        user, paper = make_user(), make_paper()
        Upvote.objects.create(user=user, paper=paper)
        integrity_error(lambda: Upvote.objects.create(user=user, paper=paper))

    def test_repository_linked_once(self):
        paper, repo = make_paper(), make_repository()
        CodeLink.objects.create(paper=paper, repository=repo)
        integrity_error(lambda: CodeLink.objects.create(paper=paper, repository=repo))

    def test_has_code_follows_links_edited_in_the_admin(self, client):
        client.force_login(make_user(is_staff=True, is_superuser=True))
        paper, repo = make_paper(authors=[]), make_repository()
        assert not paper.has_code

        def save(**links):
            data = {
                "title": paper.title,
                "status": "published",
                "listed_on": paper.listed_on.isoformat(),
                "arxiv_id": paper.arxiv_id,
                "authorships-TOTAL_FORMS": "0",
                "authorships-INITIAL_FORMS": "0",
                "code_links-TOTAL_FORMS": "1",
                **links,
            }
            response = client.post(f"/admin/core/paper/{paper.pk}/change/", data)
            assert response.status_code == 302, response.content.decode()[:2000]
            paper.refresh_from_db()

        save(**{"code_links-INITIAL_FORMS": "0", "code_links-0-repository": repo.pk})
        assert paper.has_code
        link = paper.code_links.get()
        save(
            **{
                "code_links-INITIAL_FORMS": "1",
                "code_links-0-id": link.pk,
                "code_links-0-paper": paper.pk,
                "code_links-0-repository": repo.pk,
                "code_links-0-DELETE": "on",
            }
        )
        assert not paper.has_code

    @pytest.mark.parametrize(
        ("url", "owner", "name"),
        [
            (
                "https://github.com/robodhruv/visualnav-transformer",
                "robodhruv",
                "visualnav-transformer",
            ),
            ("https://www.github.com/a/b.git", "a", "b"),
            ("http://gitlab.com/group/project/-/tree/main", "group", "project"),
        ],
    )
    def test_parse_repository_url(self, url, owner, name):
        parts = parse_repository_url(url)
        assert (parts["owner"], parts["name"]) == (owner, name)
        assert parts["url"].startswith("https://")

    @pytest.mark.parametrize(
        "url", ["", "github.com/a/b", "https://github.com/onlyowner", "ftp://x/a/b"]
    )
    def test_parse_repository_url_rejects(self, url):
        with pytest.raises(ValueError):
            parse_repository_url(url)


class TestTopics:
    def test_markdown_rendered_and_sanitised_on_save(self):
        topic = make_topic(
            description="**Bold** <script>alert(1)</script> [x](javascript:alert(1)) "
            "<img src=x onerror=alert(1)>"
        )
        assert "<strong>Bold</strong>" in topic.description_html
        assert "<script" not in topic.description_html
        assert "javascript:" not in topic.description_html
        assert "onerror" not in topic.description_html

    def test_links_get_rel(self):
        assert 'rel="nofollow noopener noreferrer"' in render_markdown("[a](https://example.org)")

    def test_topic_cannot_be_its_own_parent(self):
        topic = make_topic()
        integrity_error(lambda: Topic.objects.filter(pk=topic.pk).update(parent=topic))


class TestNames:
    @pytest.mark.parametrize(
        ("name", "slug"),
        [
            ("Łukasz Flis", "lukasz-flis"),
            ("Jürgen Müller", "jurgen-muller"),
            ("Gonçalo Hora de Carvalho", "goncalo-hora-de-carvalho"),
            ("李飞飞", "author"),
        ],
    )
    def test_ascii_slug(self, name, slug):
        assert ascii_slug(name, fallback="author") == slug

    def test_name_key_is_conservative(self):
        assert name_key("Jürgen Müller") == name_key("jürgen  müller")
        assert name_key("Jürgen Müller") == name_key("Ju\u0308rgen Mu\u0308ller")
        assert name_key("J. Müller") != name_key("Jürgen Müller")
