from django.contrib.auth import views as auth_views
from django.contrib.sitemaps import views as sitemap_views
from django.urls import path, re_path, register_converter
from django.views.decorators.cache import cache_control

from . import feeds
from .converters import ArxivIdConverter, SegmentConverter
from .sitemaps import SITEMAPS
from .views import (
    accounts,
    api,
    browse,
    catalogue,
    citations,
    crawlers,
    digest,
    health,
    submissions,
    votes,
)

register_converter(ArxivIdConverter, "arxiv")
register_converter(SegmentConverter, "segment")

account_patterns = [
    path("accounts/signup/", accounts.SignupView.as_view(), name="signup"),
    path("accounts/login/", accounts.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/change/",
        accounts.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/password/reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("users/<segment:username>/", accounts.member_detail, name="member_detail"),
    path("submit/", submissions.submit, name="submit"),
]

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

digest_patterns = [
    path("subscribe/", digest.subscribe, name="subscribe"),
    path("subscribe/sent/", digest.subscribe_sent, name="subscribe_sent"),
    path("subscribe/confirm/<segment:token>/", digest.confirm, name="subscribe_confirm"),
    path("subscribe/unsubscribe/<segment:token>/", digest.unsubscribe, name="unsubscribe"),
]

api_patterns = [
    path("api/v1/", api.index, name="api_index"),
    path("api/v1/papers/", api.paper_list, name="api_papers"),
    path("api/v1/papers/id/<int:pk>/", api.paper_detail_by_pk, name="api_paper_by_pk"),
    path("api/v1/papers/<arxiv:arxiv_id>/", api.paper_detail, name="api_paper"),
    path("api/v1/topics/", api.topic_list, name="api_topics"),
    path("api/v1/topics/<slug:slug>/", api.topic_detail, name="api_topic"),
    path("api/v1/authors/", api.author_list, name="api_authors"),
    path("api/v1/authors/<slug:slug>/", api.author_detail, name="api_author"),
    re_path(r"^api/(?P<rest>.*)$", api.not_found),
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
    path("", browse.home, name="home"),
    path("papers/", catalogue.paper_list, name="paper_list"),
    path("papers/bibtex/", citations.paper_list_bibtex, name="paper_list_bibtex"),
    path("papers/date/<segment:key>/", browse.edition, {"kind": "day"}, name="edition_day"),
    path("papers/week/<segment:key>/", browse.edition, {"kind": "week"}, name="edition_week"),
    path("papers/month/<segment:key>/", browse.edition, {"kind": "month"}, name="edition_month"),
    path("papers/id/<int:pk>/", browse.paper_detail_by_pk, name="paper_detail_by_pk"),
    path("papers/id/<int:pk>/upvote/", votes.upvote_by_pk, name="paper_upvote_by_pk"),
    path("papers/id/<int:pk>/bibtex/", citations.paper_bibtex_by_pk, name="paper_bibtex_by_pk"),
    path("papers/<arxiv:arxiv_id>/", browse.paper_detail, name="paper_detail"),
    path("papers/<arxiv:arxiv_id>/upvote/", votes.upvote, name="paper_upvote"),
    path("papers/<arxiv:arxiv_id>/bibtex/", citations.paper_bibtex, name="paper_bibtex"),
    path("authors/", browse.author_list, name="author_list"),
    path("authors/<slug:slug>/", browse.author_detail, name="author_detail"),
    path("topics/", browse.topic_list, name="topic_list"),
    path("topics/<slug:slug>/", catalogue.topic_detail, name="topic_detail"),
    path("repos/", browse.repository_list, name="repository_list"),
    path(
        "repos/<segment:owner>/<segment:name>/", browse.repository_detail, name="repository_detail"
    ),
    path("healthz", health.healthz, name="healthz"),
    *account_patterns,
    *feed_patterns,
    *digest_patterns,
    *api_patterns,
    *crawler_patterns,
]
