"""The pages readers browse; their URLs are an interface (links and bookmarks depend on them)."""

from django.contrib.sitemaps import views as sitemap_views
from django.urls import path
from django.views.decorators.cache import cache_control

from . import feeds
from .sitemaps import SITEMAPS
from .views import catalogue, citations, crawlers, pages

feed_patterns = [
    path("feeds/latest.rss", feeds.feed_view(feeds.LatestPapersRss), name="feed_latest_rss"),
    path("feeds/latest.atom", feeds.feed_view(feeds.LatestPapersAtom), name="feed_latest_atom"),
    path("feeds/trending.rss", feeds.feed_view(feeds.TrendingPapersRss), name="feed_trending_rss"),
    path(
        "feeds/trending.atom",
        feeds.feed_view(feeds.TrendingPapersAtom),
        name="feed_trending_atom",
    ),
    path(
        "feeds/topics/<slug:slug>.rss",
        feeds.feed_view(feeds.TopicPapersRss),
        name="feed_topic_rss",
    ),
    path(
        "feeds/topics/<slug:slug>.atom",
        feeds.feed_view(feeds.TopicPapersAtom),
        name="feed_topic_atom",
    ),
    path(
        "feeds/authors/<slug:slug>.rss",
        feeds.feed_view(feeds.AuthorPapersRss),
        name="feed_author_rss",
    ),
    path(
        "feeds/authors/<slug:slug>.atom",
        feeds.feed_view(feeds.AuthorPapersAtom),
        name="feed_author_atom",
    ),
]

crawler_patterns = [
    path("robots.txt", crawlers.robots_txt, name="robots_txt"),
    path(
        "sitemap.xml",
        cache_control(public=True, max_age=3600)(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        cache_control(public=True, max_age=3600)(sitemap_views.sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
]

urlpatterns = [
    path("", pages.home, name="home"),
    path("papers/", catalogue.paper_list, name="paper_list"),
    path("papers/bibtex/", citations.paper_list_bibtex, name="paper_list_bibtex"),
    path("papers/go/", pages.edition_jump, name="edition_jump"),
    path("papers/date/<segment:key>/", pages.edition, {"kind": "day"}, name="edition_day"),
    path("papers/week/<segment:key>/", pages.edition, {"kind": "week"}, name="edition_week"),
    path("papers/month/<segment:key>/", pages.edition, {"kind": "month"}, name="edition_month"),
    path("papers/id/<int:pk>/", pages.paper_detail_by_pk, name="paper_detail_by_pk"),
    path("papers/id/<int:pk>/bibtex/", citations.paper_bibtex_by_pk, name="paper_bibtex_by_pk"),
    path("papers/<arxiv:arxiv_id>/", pages.paper_detail, name="paper_detail"),
    path("papers/<arxiv:arxiv_id>/bibtex/", citations.paper_bibtex, name="paper_bibtex"),
    path("authors/", pages.author_list, name="author_list"),
    path("authors/<slug:slug>/", pages.author_detail, name="author_detail"),
    path("topics/", pages.topic_list, name="topic_list"),
    path("topics/<slug:slug>/", catalogue.topic_detail, name="topic_detail"),
    path("repos/", pages.repository_list, name="repository_list"),
    path(
        "repos/<segment:owner>/<segment:name>/", pages.repository_detail, name="repository_detail"
    ),
    *feed_patterns,
    *crawler_patterns,
]
