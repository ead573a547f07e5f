"""Fuzzing: every GET endpoint with generated path arguments and query parameters.

Whatever comes in, the answer is never a server error. Endpoints come from the
resolver (tests/urlmap.py), grouped by kind; query parameter names are the
catalogue's FilterSet's plus every other name a view reads, plus random ones.
The test client re-raises a view's exception, so a crash fails with its
traceback and Hypothesis prints the smallest request that causes it.
"""

import re

import pytest
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from papers.core import arxiv
from papers.search.filters import PaperFilterSet
from tests.urlmap import ARGUMENT, every_path, site_world

pytestmark = pytest.mark.django_db

PARAMETERS = sorted(
    set(PaperFilterSet.base_filters)
    | {"page", "per_page", "more", "q", "sort", "email", "frequency", "topic", "next"}
    | {"tab", "comments", "comments_page", "kind", "date", "theme", "find_author"}
)
GROUPS = {
    "catalogue": ("paper_list", "topic_detail", "paper_list_bibtex", "home"),
    "editions": ("edition_day", "edition_week", "edition_month", "edition_jump"),
    "details": ("paper_detail", "paper_detail_by_pk", "paper_bibtex", "paper_bibtex_by_pk"),
    "browse": ("author_list", "author_detail", "repository_list", "repository_detail",
               "topic_list"),
    "api": ("api_index", "api_papers", "api_paper", "api_paper_by_pk", "api_topics",
            "api_topic", "api_authors", "api_author", "api_paper_comments",
            "api_paper_comments_by_pk"),
    "feeds": ("feed_latest_rss", "feed_latest_atom", "feed_trending_rss", "feed_trending_atom",
              "feed_topic_rss", "feed_topic_atom", "feed_author_rss", "feed_author_atom",
              "sitemap", "sitemap_section", "robots_txt", "feed_discussion",
              "feed_discussion_by_pk"),
    "accounts": ("member_detail", "signup", "login", "password_reset", "password_reset_done",
                 "password_reset_confirm", "password_reset_complete", "password_change",
                 "password_change_done", "subscribe", "subscribe_sent", "subscribe_confirm",
                 "unsubscribe", "submit", "healthz", "theme"),
    "community": ("profile_edit", "paper_comments", "paper_comments_by_pk", "comment_edit",
                  "comment_delete", "comment_report", "notifications", "notification_emails_off",
                  "collection_list", "collection_detail", "collection_edit", "collection_delete",
                  "collection_export_bib", "collection_export_json", "collection_export_atom",
                  "author_claim", "author_edit", "for_you"),
}  # fmt: skip

# Values people and robots really send: numbers at and past every limit, dates,
# markup, SQL, control characters (PostgreSQL refuses NUL in text), long strings.
tricky = st.sampled_from(
    [
        "", " ", "0", "-1", "1e9", "99999999999999999999", "2**63", "NaN", "inf", "0x10",
        "2026-02-30", "2026-W54", "2026-13", "0000-00-00", "9999-12-31", "true", "false",
        "trending", "relevance", "\x00", "a\x00b", "%00", "'; DROP TABLE core_paper; --",
        '"unbalanced', "-", "or", "*", "\\", "<script>", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "\u202e", "x" * 5000,
    ]
)  # fmt: skip
values = st.one_of(
    tricky,
    st.text(max_size=40),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.dates().map(str),
)
queries = st.dictionaries(
    st.one_of(st.sampled_from(PARAMETERS), st.text(min_size=1, max_size=8)),
    st.lists(values, min_size=1, max_size=3),
    max_size=5,
)
# Path arguments: what each converter lets through.
path_text = st.text(
    alphabet=st.characters(blacklist_characters="/?#%", blacklist_categories=("Cs",)),
    min_size=1,
    max_size=40,
)
CONVERTED = {
    "int": st.integers(min_value=0, max_value=2**70).map(str),
    "slug": st.from_regex(r"\A[-a-zA-Z0-9_]{1,40}\Z"),
    "arxiv": st.one_of(
        st.from_regex(rf"\A{arxiv.ID_PATTERN}\Z"), st.sampled_from(["0000.00000", "9912.99999"])
    ),
    "segment": st.one_of(path_text, tricky.filter(lambda v: v and not re.search("[/?#%]", v))),
    "str": st.one_of(path_text, tricky.filter(lambda v: v and not re.search("[/?#%]", v))),
    None: st.one_of(path_text, tricky.filter(lambda v: v and not re.search("[/?#%]", v))),
}


@pytest.fixture
def routes(settings):
    settings.RATE_LIMITS_ENABLED = False  # the fuzzer is one client sending hundreds of requests
    world = site_world()
    return world, {route.name: route for route in every_path(world)}


def test_groups_cover_every_get_endpoint(routes):
    """Every named route outside the admin is fuzzed, but the POST-only ones."""
    _, by_name = routes
    post_only = {"paper_upvote", "paper_upvote_by_pk", "logout", "comment_upvote", "follow",
                 "notifications_read", "collection_move", "collection_save"}  # fmt: skip
    grouped = {name for names in GROUPS.values() for name in names}
    public = {n for n in by_name if ":" not in n and not n.startswith(("admin", "^"))}
    assert public - post_only == grouped


def generated_path(route, draw):
    def replace(match):
        return draw(CONVERTED.get(match["converter"], CONVERTED[None]))

    return "/" + ARGUMENT.sub(replace, route.text)


@pytest.mark.parametrize("who", ["visitor", "member"])
@pytest.mark.parametrize("group", sorted(GROUPS))
def test_no_query_gives_a_server_error(client, routes, group, who):
    world, by_name = routes
    if who == "member":
        client.force_login(world["member"])

    @hypothesis_settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=st.data(), query=queries)
    @example(data=None, query={"page": ["99999999999999999999"], "year": ["\x00"]})
    def check(data, query):
        name = data.draw(st.sampled_from(GROUPS[group])) if data else GROUPS[group][0]
        route = by_name[name]
        # Half the time the real address, half the time generated path arguments.
        if data and ARGUMENT.search(route.text) and data.draw(st.booleans()):
            path = generated_path(route, data.draw)
        else:
            path = route.path
        response = client.get(path, query)
        assert response.status_code < 500, (path, query, response.status_code)

    check()


@pytest.mark.parametrize(
    "url",
    [
        "/users/%00/",
        "/repos/a%00/b/",
        "/papers/date/%00/",
        "/subscribe/confirm/%00/",
        "/users/a%1fb/",
    ],
)
def test_control_characters_in_addresses_are_404(client, url):
    """Found by the fuzzer: PostgreSQL refuses NUL in text, which made these a 500."""
    assert client.get(url).status_code == 404
