import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from papers.core.models import Author, Authorship
from tests.factories import make_author, make_paper, make_repository, make_topic, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(make_user(is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def paper():
    return make_paper(
        title="Curated Paper",
        authors=["First Author", "Second Author"],
        topics=[make_topic("Curated Topic")],
        repositories=[make_repository("owner", "code")],
    )


@pytest.mark.parametrize(
    "model",
    [
        "core/paper",
        "core/author",
        "core/topic",
        "core/category",
        "core/repository",
        "community/upvote",
        "community/user",
        "community/pendingsubmission",
        "digest/subscription",
    ],
)
def test_changelists_load(staff_client, paper, model):
    response = staff_client.get(f"/admin/{model}/")
    assert response.status_code == 200


def test_paper_change_page_has_ordered_author_and_code_inlines(staff_client, paper):
    response = staff_client.get(f"/admin/core/paper/{paper.pk}/change/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "authorships-TOTAL_FORMS" in body
    assert "code_links-TOTAL_FORMS" in body
    assert body.index("First Author") < body.index("Second Author")


def test_paper_search_finds_by_author_and_arxiv_id(staff_client, paper):
    response = staff_client.get("/admin/core/paper/", {"q": "Second Author"})
    assert list(response.context["cl"].result_list) == [paper]
    response = staff_client.get("/admin/core/paper/", {"q": paper.arxiv_id})
    assert list(response.context["cl"].result_list) == [paper]


def test_curator_reorders_authors_in_admin(staff_client, paper):
    first, second = paper.authorships.order_by("position")
    data = {
        "title": paper.title,
        "abstract": paper.abstract,
        "status": "published",
        "listed_on": paper.listed_on.isoformat(),
        "arxiv_id": paper.arxiv_id,
        "topics": [t.pk for t in paper.topics.all()],
        "authorships-TOTAL_FORMS": "2",
        "authorships-INITIAL_FORMS": "2",
        "authorships-0-id": first.pk,
        "authorships-0-paper": paper.pk,
        "authorships-0-author": first.author_id,
        "authorships-0-position": "2",
        "authorships-1-id": second.pk,
        "authorships-1-paper": paper.pk,
        "authorships-1-author": second.author_id,
        "authorships-1-position": "1",
        "code_links-TOTAL_FORMS": "0",
        "code_links-INITIAL_FORMS": "0",
    }
    response = staff_client.post(f"/admin/core/paper/{paper.pk}/change/", data)
    assert response.status_code == 302, [
        f.errors for f in response.context["inline_admin_formsets"][0].formset
    ] + [response.context["inline_admin_formsets"][0].formset.non_form_errors()]
    names = list(
        Authorship.objects.filter(paper=paper)
        .order_by("position")
        .values_list("author__name", flat=True)
    )
    assert names == ["Second Author", "First Author"]


def test_author_autocomplete(staff_client, paper):
    make_author("Another Person")
    response = staff_client.get(
        "/admin/autocomplete/",
        {
            "term": "Second",
            "app_label": "core",
            "model_name": "authorship",
            "field_name": "author",
        },
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Second Author"]


def test_members_cannot_use_the_admin(client, paper):
    client.force_login(make_user())
    response = client.get("/admin/core/paper/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_ensure_local_admin_creates_once_and_prints(settings, tmp_path, monkeypatch, capsys):
    from papers.community.management.commands import ensure_local_admin

    settings.DEBUG = True
    monkeypatch.setattr(ensure_local_admin, "CREDENTIALS_FILE", tmp_path / "creds")
    call_command("ensure_local_admin")
    first = capsys.readouterr().out
    assert "user: admin" in first
    call_command("ensure_local_admin")
    assert capsys.readouterr().out.strip() == first.strip()
    assert get_user_model().objects.filter(username="admin", is_superuser=True).count() == 1
    password = first.split("password: ")[1].split()[0]
    assert get_user_model().objects.get(username="admin").check_password(password)


def test_ensure_local_admin_refuses_in_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="local development only"):
        call_command("ensure_local_admin")
    assert not Author.objects.exists()
    assert not get_user_model().objects.filter(username="admin").exists()


def test_admin_rejects_two_authors_in_one_position(staff_client, paper):
    first, second = paper.authorships.order_by("position")
    data = {
        "title": paper.title,
        "abstract": paper.abstract,
        "status": "published",
        "listed_on": paper.listed_on.isoformat(),
        "arxiv_id": paper.arxiv_id,
        "authorships-TOTAL_FORMS": "2",
        "authorships-INITIAL_FORMS": "2",
        "authorships-0-id": first.pk,
        "authorships-0-paper": paper.pk,
        "authorships-0-author": first.author_id,
        "authorships-0-position": "1",
        "authorships-1-id": second.pk,
        "authorships-1-paper": paper.pk,
        "authorships-1-author": second.author_id,
        "authorships-1-position": "1",
        "code_links-TOTAL_FORMS": "0",
        "code_links-INITIAL_FORMS": "0",
    }
    response = staff_client.post(f"/admin/core/paper/{paper.pk}/change/", data)
    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.non_form_errors()
    assert "duplicate" in " ".join(errors).lower()
    assert list(paper.authorships.order_by("position").values_list("position", flat=True)) == [1, 2]
