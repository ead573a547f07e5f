"""Collections: made, filled from any card and paper page without JavaScript, ordered,
private or public, exported as BibTeX, JSON and Atom, followed."""

import json

import bibtexparser
import feedparser
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from papers.community.collections import services
from papers.community.models import Collection, CollectionItem, Follow
from tests.community.conftest import client_for, text
from tests.factories import make_author, make_paper, make_user
from tests.xss import PAYLOADS, live_markup_problems

pytestmark = pytest.mark.django_db


@pytest.fixture
def papers():
    return [
        make_paper(
            title=f"Paper number {n}",
            arxiv_id=f"2401.0000{n}",
            authors=[make_author(f"Author {n} Family", slug=f"author-{n}")],
        )
        for n in range(1, 5)
    ]


def order(collection) -> list[str]:
    return list(
        CollectionItem.objects.filter(collection=collection)
        .order_by("position", "pk")
        .values_list("paper__title", flat=True)
    )


def save(client, paper, *, add=None, remove=None, next_url="/papers/week/2026-W47/"):
    data = {"paper": paper.pk, "next": next_url}
    if remove is not None:
        data["remove"] = remove
    else:
        data["add"] = "" if add is None else add
    return client.post("/collections/save/", data)


class TestMakingAndSaving:
    def test_save_from_a_card_makes_a_reading_list(self, ada_client, ada, papers):
        week = text(ada_client.get("/papers/week/2026-W47/"))
        assert week.count('class="save-menu"') == 4 and "+ Reading list" in week
        response = save(ada_client, papers[0])
        assert response["Location"] == f"/papers/week/2026-W47/#save-{papers[0].pk}"
        collection = Collection.objects.get()
        assert (collection.owner, collection.name, collection.is_public) == (
            ada,
            "Reading list",
            False,
        )
        assert order(collection) == ["Paper number 1"]
        week = text(ada_client.get("/papers/week/2026-W47/"))
        assert "Saved to Reading list." in week
        assert week.count("Saved ✓") == 1
        assert f'name="remove" value="{collection.pk}"' in week
        save(ada_client, papers[1], add=collection.pk)
        save(ada_client, papers[1], add=collection.pk)  # twice: once
        assert order(collection) == ["Paper number 1", "Paper number 2"]
        save(ada_client, papers[0], remove=collection.pk)
        assert order(collection) == ["Paper number 2"]

    def test_the_paper_page_has_the_menu_too(self, ada_client, papers, client):
        assert 'class="save-menu"' in text(ada_client.get(papers[0].get_absolute_url()))
        visitor = text(Client().get(papers[0].get_absolute_url()))
        assert 'class="save-menu"' not in visitor and "Log in to save it" in visitor

    def test_visitors_log_in_first_and_nobody_saves_into_another_members(
        self, client, papers, grace
    ):
        response = save(client, papers[0])
        assert response["Location"].startswith("/accounts/login/?next=")
        theirs = services.collection_create(owner=grace, name="Grace's", is_public=True)
        ada = client_for(client, make_user("ada"))
        assert save(ada, papers[0], add=theirs.pk).status_code == 404
        assert save(ada, papers[0], add="x" * 30).status_code == 404
        assert not CollectionItem.objects.exists()
        assert ada.post("/collections/save/", {"paper": "nope"}).status_code == 404
        assert ada.post("/collections/save/", {"paper": 10**20}).status_code == 404
        assert ada.get("/collections/save/").status_code == 405

    def test_make_edit_and_delete(self, ada_client, ada, papers):
        page = ada_client.get("/users/ada/collections/")
        assert 'id="new-collection"' in text(page)
        response = ada_client.post(
            "/users/ada/collections/",
            {"name": "Robot learning", "description": "Mostly **robots**.", "is_public": "on"},
        )
        collection = Collection.objects.get()
        assert response["Location"] == "/users/ada/collections/robot-learning/"
        assert collection.description_html == "<p>Mostly <strong>robots</strong>.</p>"
        # A second with the same name gets its own address.
        ada_client.post("/users/ada/collections/", {"name": "Robot learning"})
        assert sorted(Collection.objects.values_list("slug", flat=True)) == [
            "robot-learning",
            "robot-learning-2",
        ]
        ada_client.post(
            "/users/ada/collections/robot-learning/edit/",
            {"name": "Robots", "description": "", "is_public": ""},
        )
        collection.refresh_from_db()
        # Renamed, the collection keeps its address.
        assert (collection.name, collection.slug, collection.is_public) == (
            "Robots",
            "robot-learning",
            False,
        )
        assert ada_client.get("/users/ada/collections/robot-learning/delete/").status_code == 200
        ada_client.post("/users/ada/collections/robot-learning/delete/")
        assert not Collection.objects.filter(pk=collection.pk).exists()

    def test_only_the_owner_changes_a_collection(self, client, ada, grace, papers):
        collection = services.collection_create(owner=ada, name="Mine", is_public=True)
        services.collection_add(collection=collection, paper=papers[0])
        services.collection_add(collection=collection, paper=papers[1])
        client.force_login(grace)
        base = "/users/ada/collections/mine/"
        assert client.get(base).status_code == 200
        assert client.get(base + "edit/").status_code == 404
        assert client.post(base + "delete/").status_code == 404
        assert (
            client.post(base + "move/", {"paper": papers[1].pk, "direction": "up"}).status_code
            == 404
        )
        assert client.post("/users/ada/collections/", {"name": "Sneaky"}).status_code == 404
        assert order(collection) == ["Paper number 1", "Paper number 2"]
        assert Collection.objects.count() == 1


class TestVisibilityAndOrder:
    def test_private_collections_are_invisible_to_others(self, client, ada, papers):
        private = services.collection_create(owner=ada, name="Secret")
        services.collection_add(collection=private, paper=papers[0])
        for url in (
            "/users/ada/collections/secret/",
            "/users/ada/collections/secret/export.bib",
            "/users/ada/collections/secret/export.json",
            "/users/ada/collections/secret/export.atom",
        ):
            assert client.get(url).status_code == 404, url
        assert "Secret" not in text(client.get("/users/ada/?tab=collections"))
        client.force_login(ada)
        assert client.get("/users/ada/collections/secret/").status_code == 200
        response = client.get("/users/ada/collections/secret/export.json")
        assert response.status_code == 200 and "no-store" in response["Cache-Control"]
        assert "Secret" in text(client.get("/users/ada/?tab=collections"))

    def test_reorder_without_javascript(self, ada_client, ada, papers):
        collection = services.collection_create(owner=ada, name="Queue", is_public=True)
        for paper in papers:
            services.collection_add(collection=collection, paper=paper)
        url = "/users/ada/collections/queue/move/"
        page = text(ada_client.get("/users/ada/collections/queue/"))
        assert page.count('name="direction" value="up"') == 4
        response = ada_client.post(url, {"paper": papers[2].pk, "direction": "up"})
        assert response["Location"] == f"/users/ada/collections/queue/#item-{papers[2].pk}"
        assert order(collection) == [
            "Paper number 1",
            "Paper number 3",
            "Paper number 2",
            "Paper number 4",
        ]
        ada_client.post(url, {"paper": papers[3].pk, "direction": "top"})
        ada_client.post(url, {"paper": papers[0].pk, "direction": "down"})
        assert order(collection) == [
            "Paper number 4",
            "Paper number 3",
            "Paper number 1",
            "Paper number 2",
        ]
        for junk in ({"paper": papers[3].pk, "direction": "up"}, {"paper": "x", "direction": "up"},
                     {"paper": papers[0].pk, "direction": "sideways"}):  # fmt: skip
            ada_client.post(url, junk)
        assert order(collection)[0] == "Paper number 4"
        shown = ada_client.get("/users/ada/collections/queue/").context["page_obj"]
        assert [p.title for p in shown] == order(collection)

    def test_hostile_names_and_descriptions_render_inert(self, client, ada, papers):
        for payload in PAYLOADS:
            services.collection_create(
                owner=ada, name=payload[:100], description=payload, is_public=True
            )
        pages = ["/users/ada/?tab=collections", "/users/ada/collections/"]
        pages += [c.get_absolute_url() for c in Collection.objects.all()]
        for url in pages:
            problems = live_markup_problems(text(client.get(url)))
            assert not problems, (url, problems[:3])

    def test_collection_page_query_count_does_not_grow(self, client, ada):
        collection = services.collection_create(owner=ada, name="Big", is_public=True)

        def count(viewer=None):
            client.logout()
            if viewer:
                client.force_login(viewer)
            with CaptureQueriesContext(connection) as queries:
                assert client.get("/users/ada/collections/big/").status_code == 200
            return len(queries)

        services.collection_add(collection=collection, paper=make_paper(authors=["A B"]))
        small = (count(), count(ada))
        for _ in range(8):
            services.collection_add(
                collection=collection,
                paper=make_paper(authors=["C D", "E F"], submitted_by=make_user()),
            )
        assert (count(), count(ada)) == small
        assert small[0] <= 10 and small[1] <= 12


class TestExports:
    @pytest.fixture
    def collection(self, ada, papers):
        collection = services.collection_create(
            owner=ada, name="World models", description="For Friday.", is_public=True
        )
        for paper in (papers[2], papers[0], papers[1]):
            services.collection_add(collection=collection, paper=paper)
        return collection

    def test_bibtex(self, client, collection):
        response = client.get("/users/ada/collections/world-models/export.bib")
        assert response.status_code == 200
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        library = bibtexparser.parse_string(response.content.decode())
        assert not library.failed_blocks
        assert [e.fields_dict["title"].value for e in library.entries] == [
            "Paper number 3",
            "Paper number 1",
            "Paper number 2",
        ]
        assert library.entries[0].fields_dict["eprint"].value == "2401.00003"

    def test_json(self, client, collection):
        data = json.loads(client.get("/users/ada/collections/world-models/export.json").content)
        assert data["name"] == "World models" and data["owner"] == "ada"
        assert data["url"] == "http://testserver/users/ada/collections/world-models/"
        assert [(p["position"], p["arxiv_id"]) for p in data["papers"]] == [
            (1, "2401.00003"),
            (2, "2401.00001"),
            (3, "2401.00002"),
        ]
        assert data["papers"][0]["authors"] == ["Author 3 Family"]

    def test_atom(self, client, collection):
        feed = feedparser.parse(
            client.get("/users/ada/collections/world-models/export.atom").content
        )
        assert feed.feed.title.startswith("World models (a collection by ada)")
        assert sorted(e.title for e in feed.entries) == [
            "Paper number 1",
            "Paper number 2",
            "Paper number 3",
        ]
        assert feed.entries[0].title == "Paper number 2"  # the latest addition first


class TestFollowingCollections:
    def test_follow_another_members_public_collection(self, client, ada, grace, papers):
        collection = services.collection_create(owner=ada, name="Shared", is_public=True)
        client.force_login(grace)
        page = text(client.get("/users/ada/collections/shared/"))
        assert 'name="kind" value="collection"' in page
        response = client.post(
            "/follow/",
            {
                "kind": "collection",
                "target": collection.pk,
                "next": "/users/ada/collections/shared/",
            },
        )
        assert response["Location"] == "/users/ada/collections/shared/#follow"
        assert Follow.objects.get().collection == collection
        assert 'aria-pressed="true"' in text(client.get("/users/ada/collections/shared/"))
        client.post(
            "/follow/", {"kind": "collection", "target": collection.pk, "action": "unfollow"}
        )
        assert not Follow.objects.exists()

    def test_private_and_own_collections_cannot_be_followed(self, client, ada, grace):
        private = services.collection_create(owner=ada, name="Private")
        own = services.collection_create(owner=grace, name="Own", is_public=True)
        client.force_login(grace)
        assert (
            client.post("/follow/", {"kind": "collection", "target": private.pk}).status_code == 404
        )
        client.post("/follow/", {"kind": "collection", "target": own.pk})
        assert not Follow.objects.exists()
