"""The JSON API's side of the discussion: comment counts and the comments endpoint."""

import pytest

from papers.community.discussion import services
from papers.core.models import Author
from tests.factories import make_paper, make_user

pytestmark = pytest.mark.django_db


def test_counts_in_lists_and_details(client, paper, ada):
    services.comment_create(paper=paper, author=ada, body="One")
    hidden = services.comment_create(paper=paper, author=ada, body="Two")
    services.comment_hide(comment=hidden)
    detail = client.get("/api/v1/papers/2306.14846/").json()
    assert detail["comments"] == detail["counts"]["comments"] == 1
    assert detail["links"]["comments"] == "http://testserver/api/v1/papers/2306.14846/comments/"
    listed = client.get("/api/v1/papers/").json()["results"]
    assert [p["comments"] for p in listed] == [1]


def test_the_comments_endpoint(client, paper, ada, grace):
    Author.objects.filter(slug="dhruv-shah").update(user=grace)
    top = services.comment_create(paper=paper, author=ada, body="Is *this* $x$?")
    services.comment_create(paper=paper, author=grace, body="Yes", parent=top)
    gone = services.comment_create(paper=paper, author=ada, body="Oops")
    services.comment_delete(comment=gone, user=ada)
    held = services.comment_create(paper=paper, author=make_user(), body="Held")
    services.comment_hide(comment=held)
    response = client.get("/api/v1/papers/2306.14846/comments/")
    assert response.status_code == 200 and "max-age=60" in response["Cache-Control"]
    data = response.json()
    assert data["count"] == 2 and data["next"] is None
    assert data["paper"] == "http://testserver/api/v1/papers/2306.14846/"
    first, reply = data["results"]
    assert (
        first["body"] == "Is *this* $x$?" and first["body_html"] == "<p>Is <em>this</em> $x$?</p>"
    )
    assert first["parent"] is None and reply["parent"] == first["id"]
    assert first["author"] == {
        "username": "ada",
        "name": "ada",
        "url": "http://testserver/users/ada/",
        "is_paper_author": False,
    }
    assert reply["author"]["is_paper_author"] is True
    assert first["url"] == f"http://testserver/papers/2306.14846/#comment-{top.pk}"
    assert set(first) == {"id", "parent", "author", "body", "body_html", "created_at",
                          "edited_at", "upvotes", "url"}  # fmt: skip


def test_paging_and_errors(client, ada):
    offline = make_paper(arxiv_id=None, title="Offline")
    for n in range(3):
        services.comment_create(paper=offline, author=ada, body=f"Comment {n}")
    data = client.get(f"/api/v1/papers/id/{offline.pk}/comments/?per_page=2").json()
    assert [c["body"] for c in data["results"]] == ["Comment 0", "Comment 1"]
    assert data["next"].endswith("page=2")
    assert client.get("/api/v1/papers/2401.99999/comments/").status_code == 404
    assert client.get(f"/api/v1/papers/id/{offline.pk}/comments/?page=9").status_code == 404
    assert client.get(f"/api/v1/papers/id/{offline.pk}/comments/?x=1").status_code == 400
    assert client.post(f"/api/v1/papers/id/{offline.pk}/comments/").status_code == 405
