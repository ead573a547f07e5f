"""What the community tests share: members, a paper with a discussion, posting helpers."""

import pytest

from tests.factories import make_author, make_paper, make_user


def text(response) -> str:
    return response.content.decode()


def comments_url(paper) -> str:
    if paper.arxiv_id:
        return f"/papers/{paper.arxiv_id}/comments/"
    return f"/papers/id/{paper.pk}/comments/"


def post_comment(client, paper, body, *, parent=None, as_json=False, **extra):
    data = {"body": body, **extra}
    if parent is not None:
        data["parent"] = parent.pk if hasattr(parent, "pk") else parent
    headers = {"HTTP_ACCEPT": "application/json"} if as_json else {}
    return client.post(comments_url(paper), data, **headers)


def client_for(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def paper():
    return make_paper(
        title="ViNT: A Foundation Model for Visual Navigation",
        arxiv_id="2306.14846",
        authors=[make_author("Dhruv Shah", slug="dhruv-shah"), "Sergey Levine"],
    )


@pytest.fixture
def ada():
    return make_user("ada")


@pytest.fixture
def grace():
    return make_user("grace")


@pytest.fixture
def ada_client(client, ada):
    return client_for(client, ada)
