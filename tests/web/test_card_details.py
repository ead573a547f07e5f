"""What a paper card says below its abstract: the code badge with the stars when they
are known, the comment count only once there are comments."""

import datetime as dt
import re

import pytest

from papers.community.discussion import services
from tests.factories import make_paper, make_repository, make_user

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 11, 20)
DAY_PAGE = "/papers/date/2026-11-20/"


def card(html, title):
    start = html.index(title)
    start = html.rindex('<article class="paper-card"', 0, start)
    return html[start : html.index("</article>", start)]


def test_the_code_badge_shows_the_stars_when_known(client):
    starred = make_repository("lab", "starred", stars=12345)
    unknown = make_repository("lab", "unknown", stars=None)
    make_paper(title="Starred Code", listed_on=DAY, repositories=[starred])
    make_paper(title="Code Without Stars", listed_on=DAY, repositories=[unknown])
    make_paper(title="No Code At All", listed_on=DAY)
    html = client.get(DAY_PAGE).content.decode()
    badge = re.search(r'<a class="badge badge-code"[^>]*>(.*?)</a>', card(html, "Starred Code"))
    assert badge.group(1) == 'Code · ★ 12,345<span class="visually-hidden"> stars</span>'
    badge = re.search(r'<a class="badge badge-code"[^>]*>(.*?)</a>', card(html, "Code Without"))
    assert badge.group(1) == "Code"
    assert "badge-code" not in card(html, "No Code At All")


def test_no_comment_count_until_there_are_comments(client):
    ada = make_user("ada")
    quiet = make_paper(title="A Quiet Paper", listed_on=DAY)
    talked = make_paper(title="A Talked About Paper", listed_on=DAY)
    services.comment_create(paper=talked, author=ada, body="One")
    services.comment_create(paper=talked, author=ada, body="Two")
    html = client.get(DAY_PAGE).content.decode()
    assert "comment" not in card(html, quiet.title).lower()
    assert "card-social" not in card(html, quiet.title)  # nothing to show: no empty row
    assert f'href="{talked.get_absolute_url()}#discussion">2 comments</a>' in card(
        html, talked.title
    )


def test_a_member_still_gets_the_save_menu_on_a_quiet_card(client):
    client.force_login(make_user("grace"))
    make_paper(title="A Quiet Paper", listed_on=DAY)
    html = client.get(DAY_PAGE).content.decode()
    quiet = card(html, "A Quiet Paper")
    assert "card-social" in quiet and "comment-count" not in quiet


def test_the_paper_page_invites_discussion_rather_than_counting_none(client):
    ada = make_user("ada")
    quiet = make_paper(title="A Quiet Paper", arxiv_id="2401.00001")
    talked = make_paper(title="A Talked About Paper", arxiv_id="2401.00002")
    services.comment_create(paper=talked, author=ada, body="One")
    quiet_page = client.get(quiet.get_absolute_url()).content.decode()
    assert '<a class="comment-count" href="#discussion">Discuss</a>' in quiet_page
    assert "0 comments" not in quiet_page
    talked_page = client.get(talked.get_absolute_url()).content.decode()
    assert '<a class="comment-count" href="#discussion">1 comment</a>' in talked_page
