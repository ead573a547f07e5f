from django.contrib.auth import views as auth_views
from django.urls import path, register_converter

from .converters import ArxivIdConverter
from .views import accounts, browse, catalogue, health, submissions, votes

register_converter(ArxivIdConverter, "arxiv")

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
    path("users/<str:username>/", accounts.member_detail, name="member_detail"),
    path("submit/", submissions.submit, name="submit"),
]

urlpatterns = [
    path("", browse.home, name="home"),
    path("papers/", catalogue.paper_list, name="paper_list"),
    path("papers/date/<str:key>/", browse.edition, {"kind": "day"}, name="edition_day"),
    path("papers/week/<str:key>/", browse.edition, {"kind": "week"}, name="edition_week"),
    path("papers/month/<str:key>/", browse.edition, {"kind": "month"}, name="edition_month"),
    path("papers/id/<int:pk>/", browse.paper_detail_by_pk, name="paper_detail_by_pk"),
    path("papers/id/<int:pk>/upvote/", votes.upvote_by_pk, name="paper_upvote_by_pk"),
    path("papers/<arxiv:arxiv_id>/", browse.paper_detail, name="paper_detail"),
    path("papers/<arxiv:arxiv_id>/upvote/", votes.upvote, name="paper_upvote"),
    path("authors/", browse.author_list, name="author_list"),
    path("authors/<slug:slug>/", browse.author_detail, name="author_detail"),
    path("topics/", browse.topic_list, name="topic_list"),
    path("topics/<slug:slug>/", catalogue.topic_detail, name="topic_detail"),
    path("repos/", browse.repository_list, name="repository_list"),
    path("repos/<str:owner>/<str:name>/", browse.repository_detail, name="repository_detail"),
    path("healthz", health.healthz, name="healthz"),
    *account_patterns,
]
