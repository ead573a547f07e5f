"""Members' profiles (edit, tabs, avatar, submitter on cards) and author claims (ORCID
checksum, staff approval in the admin, the verified page the member can then edit)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from papers.community.claims.orcid import normalise_orcid
from papers.community.discussion import services
from papers.community.models import AuthorClaim, Comment
from papers.community.profiles.avatar import initials
from papers.core.models import Author, Paper
from tests.community.conftest import client_for, text
from tests.factories import make_author, make_paper, make_upvote, make_user
from tests.xss import PAYLOADS, live_markup_problems

pytestmark = pytest.mark.django_db


def profile_data(**changes):
    data = {"display_name": "", "affiliation": "", "bio": "", "links_text": ""}
    return {**data, **changes}


class TestProfiles:
    def test_a_member_edits_their_profile(self, ada_client, ada):
        response = ada_client.post(
            "/accounts/profile/",
            profile_data(
                display_name="Ada Okafor",
                affiliation="University of Lagos",
                bio="I study *world models*: $p(z_{t+1} \\mid z_t, a_t)$. <script>x</script>",
                links_text="https://example.org/ada\nhttps://scholar.example.org/ada\n",
            ),
        )
        assert response["Location"] == "/users/ada/"
        ada.refresh_from_db()
        assert ada.links == ["https://example.org/ada", "https://scholar.example.org/ada"]
        assert "<em>world models</em>" in ada.bio_html and "<script>" not in ada.bio_html
        page = text(Client().get("/users/ada/"))
        assert "Ada Okafor" in page and "@ada" in page and "University of Lagos" in page
        assert "$p(z_{t+1} \\mid z_t, a_t)$" in page
        assert 'href="https://example.org/ada" rel="nofollow ugc noopener"' in page
        assert '<span class="avatar avatar-' in page and ">AO</span>" in page

    @pytest.mark.parametrize(
        "links",
        [
            "javascript:alert(1)",
            "ftp://example.org",
            "\n".join(f"https://e.org/{n}" for n in range(6)),
        ],
    )
    def test_bad_links_are_refused(self, ada_client, ada, links):
        response = ada_client.post("/accounts/profile/", profile_data(links_text=links))
        assert response.status_code == 400
        ada.refresh_from_db()
        assert ada.links == []

    def test_profile_edit_is_for_members(self, client):
        assert client.get("/accounts/profile/")["Location"].startswith("/accounts/login/")

    def test_hostile_profiles_render_inert(self, ada_client, ada, paper):
        for payload in PAYLOADS:
            ada_client.post(
                "/accounts/profile/",
                profile_data(display_name=payload[:60], affiliation=payload, bio=payload),
            )
            ada.refresh_from_db()
            services.comment_create(paper=paper, author=ada, body="hello")
            Paper.objects.filter(pk=paper.pk).update(submitted_by=ada)
            for url in ("/users/ada/", "/users/ada/?tab=comments", "/papers/2306.14846/"):
                problems = live_markup_problems(text(Client().get(url)))
                assert not problems, (payload, url, problems[:3])

    @pytest.mark.parametrize(
        ("name", "expected"),
        [("Ada Lovelace", "AL"), ("ada", "A"), ("  grace  hopper x", "GH"), ("<>", "?"),
         ("élodie", "É"), ("", "?")],
    )  # fmt: skip
    def test_avatar_initials(self, name, expected):
        assert initials(name) == expected

    def test_tabs(self, client, ada, grace, paper):
        make_upvote(paper=paper, user=ada)
        services.comment_create(paper=paper, author=ada, body="My *comment*")
        held = services.comment_create(paper=paper, author=ada, body="Hidden one")
        services.comment_hide(comment=held)
        make_paper(title="Submitted by Ada", submitted_by=ada)
        page = client.get("/users/ada/")
        assert [p.title for p in page.context["page_obj"]] == [paper.title]
        assert 'aria-current="page">Upvoted' in text(page)
        comments = client.get("/users/ada/?tab=comments")
        assert [c.body for c in comments.context["page_obj"]] == ["My *comment*"]
        assert "<em>comment</em>" in text(comments)
        submissions = client.get("/users/ada/?tab=submissions")
        assert "Submitted by Ada" in text(submissions)
        assert client.get("/users/ada/?tab=nonsense").context["tab"] == "upvoted"
        assert "Following" not in text(page)  # only on one's own page
        client.force_login(ada)
        own = client.get("/users/ada/?tab=comments")
        assert {c.body for c in own.context["page_obj"]} == {"My *comment*"}
        assert client.get("/users/ada/?tab=following").context["tab"] == "following"

    @pytest.mark.parametrize("tab", ["upvoted", "comments", "collections", "submissions"])
    def test_profile_query_count_does_not_grow(self, client, ada, tab):
        from papers.community.collections import services as collections

        def count():
            with CaptureQueriesContext(connection) as queries:
                assert client.get(f"/users/ada/?tab={tab}").status_code == 200
            return len(queries)

        paper = make_paper(authors=["A B"], submitted_by=make_user())
        make_upvote(paper=paper, user=ada)
        services.comment_create(paper=paper, author=ada, body="x")
        collections.collection_create(owner=ada, name="One", is_public=True)
        small = count()
        for n in range(6):
            other = make_paper(authors=["C D", "E F"], submitted_by=make_user())
            make_upvote(paper=other, user=ada)
            services.comment_create(paper=other, author=ada, body="y")
            make_paper(submitted_by=ada)
            collection = collections.collection_create(owner=ada, name=f"C{n}", is_public=True)
            collections.collection_add(collection=collection, paper=other)
        assert count() == small <= 12

    def test_cards_and_paper_pages_show_the_submitter(self, client, ada):
        ada.display_name = "Ada Okafor"
        ada.save()
        paper = make_paper(title="Submitted one", submitted_by=ada)
        make_paper(title="Imported one")
        week = text(client.get("/papers/week/2026-W47/"))
        assert week.count("submitted by") == 1
        assert 'submitted by <a href="/users/ada/">@ada</a>' in week
        page = text(client.get(paper.get_absolute_url()))
        assert "Submitted by" in page and ">Ada Okafor</a>" in page and ">AO</span>" in page


class TestOrcid:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("0000-0002-1825-0097", "0000-0002-1825-0097"),
            ("000000021825009x".upper(), None),
            ("0000-0001-5109-3700", "0000-0001-5109-3700"),
            ("0000-0002-1694-233X", "0000-0002-1694-233X"),
            ("0000-0002-1694-233x", "0000-0002-1694-233X"),
            ("https://orcid.org/0000-0002-1825-0097", "0000-0002-1825-0097"),
            ("0000000218250097", "0000-0002-1825-0097"),
        ],
    )
    def test_valid(self, value, expected):
        if expected is None:
            with pytest.raises(ValueError):
                normalise_orcid(value)
        else:
            assert normalise_orcid(value) == expected

    @pytest.mark.parametrize(
        "value", ["0000-0002-1825-0098", "0000-0002-1825", "abcd-0002-1825-0097", "1" * 40]
    )
    def test_invalid(self, value):
        with pytest.raises(ValueError):
            normalise_orcid(value)


class TestClaims:
    @pytest.fixture
    def author(self):
        author = make_author("Dhruv Shah", slug="dhruv-shah", affiliation="Old Place")
        make_paper(title="ViNT", arxiv_id="2306.14846", authors=[author])
        return author

    @pytest.fixture
    def staff(self):
        return client_for(Client(), make_user("mod", is_staff=True, is_superuser=True))

    def test_claim_approve_verified_and_edit(self, ada_client, ada, author, staff):
        page = text(Client().get("/authors/dhruv-shah/"))
        assert "Claim this page" in page and "Verified" not in page
        bad = ada_client.post(
            "/authors/dhruv-shah/claim/", {"note": "It is me", "orcid": "0000-0002-1825-0098"}
        )
        assert bad.status_code == 400 and "does not match" in text(bad)
        response = ada_client.post(
            "/authors/dhruv-shah/claim/",
            {"note": "My lab page lists it", "orcid": "https://orcid.org/0000-0002-1825-0097"},
        )
        assert response["Location"] == "/authors/dhruv-shah/"
        claim = AuthorClaim.objects.get()
        assert (claim.status, claim.orcid) == ("pending", "0000-0002-1825-0097")
        assert "You asked for this page" in text(ada_client.get("/authors/dhruv-shah/claim/"))
        # Not verified, and not editable, before staff approve.
        assert ada_client.get("/authors/dhruv-shah/edit/").status_code == 404
        listing = staff.get("/admin/community/authorclaim/")
        assert "My lab page" not in text(listing) and "0000-0002-1825-0097" in text(listing)
        assert "My lab page lists it" in text(
            staff.get(f"/admin/community/authorclaim/{claim.pk}/change/")
        )
        staff.post(
            "/admin/community/authorclaim/",
            {"action": "approve", "_selected_action": [claim.pk]},
        )
        author.refresh_from_db()
        assert author.user == ada and author.orcid == "0000-0002-1825-0097"
        page = text(Client().get("/authors/dhruv-shah/"))
        assert "✓ Verified" in page and 'href="/users/ada/"' in page
        assert "Claim this page" not in page
        assert "Verified author" in text(Client().get("/users/ada/"))
        # The member now keeps the page's affiliation and homepage.
        form = ada_client.get("/authors/dhruv-shah/edit/")
        assert form.status_code == 200 and "Old Place" in text(form)
        refused = ada_client.post(
            "/authors/dhruv-shah/edit/", {"affiliation": "New", "homepage": "javascript:x"}
        )
        assert refused.status_code == 400
        ada_client.post(
            "/authors/dhruv-shah/edit/",
            {"affiliation": "Berkeley AI Research", "homepage": "https://example.org/dhruv"},
        )
        author.refresh_from_db()
        assert (author.affiliation, author.homepage) == (
            "Berkeley AI Research",
            "https://example.org/dhruv",
        )
        assert "Berkeley AI Research" in text(Client().get("/authors/dhruv-shah/"))

    def test_others_cannot_edit_or_claim_a_claimed_page(self, client, ada, grace, author):
        Author.objects.filter(pk=author.pk).update(user=ada)
        client.force_login(grace)
        assert client.get("/authors/dhruv-shah/edit/").status_code == 404
        assert client.post("/authors/dhruv-shah/edit/", {"affiliation": "x"}).status_code == 404
        response = client.post("/authors/dhruv-shah/claim/", {"note": "me"})
        assert response.status_code == 400 and "already kept by a member" in text(response)
        assert not AuthorClaim.objects.exists()

    def test_rejecting_and_competing_claims(self, ada, grace, author, staff):
        for member in (ada, grace):
            client_for(Client(), member).post("/authors/dhruv-shah/claim/", {"note": "me"})
        first, second = AuthorClaim.objects.order_by("pk")
        staff.post(
            "/admin/community/authorclaim/", {"action": "reject", "_selected_action": [first.pk]}
        )
        first.refresh_from_db()
        assert first.status == "rejected"
        staff.post(
            "/admin/community/authorclaim/", {"action": "approve", "_selected_action": [second.pk]}
        )
        author.refresh_from_db()
        assert author.user == grace
        # A member is one author at most.
        other = make_author("Someone Else", slug="someone-else")
        response = client_for(Client(), grace).post("/authors/someone-else/claim/", {"note": "me"})
        assert "already linked" in text(response)
        assert other.claims.count() == 0

    def test_claiming_is_for_members(self, client, author):
        assert client.get("/authors/dhruv-shah/claim/")["Location"].startswith("/accounts/login/")


def test_comment_count_stays_exact_when_the_author_comments_first(paper, ada):
    services.comment_create(paper=paper, author=ada, body="x")
    assert Comment.objects.count() == Paper.objects.get(pk=paper.pk).comment_count == 1
