"""Members' URLs: accounts, profiles, votes, submissions, discussion, notifications,
author claims, collections, follows and "For you"."""

from django.contrib.auth import views as auth_views
from django.urls import path

from papers.web.httpcache import public_cache

from .discussion.feeds import DiscussionFeed
from .views import (
    accounts,
    claims,
    collections,
    discussion,
    following,
    notifications,
    profiles,
    submissions,
    votes,
)

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
    path("accounts/profile/", profiles.profile_edit, name="profile_edit"),
]

discussion_patterns = [
    path(
        "papers/id/<int:pk>/comments/", discussion.comment_post_by_pk, name="paper_comments_by_pk"
    ),
    path("papers/<arxiv:arxiv_id>/comments/", discussion.comment_post, name="paper_comments"),
    path(
        "feeds/papers/id/<int:pk>/discussion.atom",
        public_cache(300)(DiscussionFeed()),
        name="feed_discussion_by_pk",
    ),
    path(
        "feeds/papers/<arxiv:arxiv_id>/discussion.atom",
        public_cache(300)(DiscussionFeed()),
        name="feed_discussion",
    ),
    path("comments/<int:comment_id>/edit/", discussion.comment_edit, name="comment_edit"),
    path("comments/<int:comment_id>/delete/", discussion.comment_delete, name="comment_delete"),
    path("comments/<int:comment_id>/upvote/", discussion.comment_upvote, name="comment_upvote"),
    path("comments/<int:comment_id>/report/", discussion.comment_report, name="comment_report"),
    path("notifications/", notifications.notification_list, name="notifications"),
    path("notifications/read/", notifications.notifications_read, name="notifications_read"),
    path(
        "notifications/emails/off/<segment:token>/",
        notifications.emails_off,
        name="notification_emails_off",
    ),
]

collection_patterns = [
    path(
        "users/<segment:username>/collections/", collections.collection_list, name="collection_list"
    ),
    path(
        "users/<segment:username>/collections/<slug:slug>/",
        collections.collection_detail,
        name="collection_detail",
    ),
    path(
        "users/<segment:username>/collections/<slug:slug>/edit/",
        collections.collection_edit,
        name="collection_edit",
    ),
    path(
        "users/<segment:username>/collections/<slug:slug>/delete/",
        collections.collection_delete,
        name="collection_delete",
    ),
    path(
        "users/<segment:username>/collections/<slug:slug>/move/",
        collections.collection_move,
        name="collection_move",
    ),
    *(
        path(
            f"users/<segment:username>/collections/<slug:slug>/export.{kind}",
            collections.collection_export,
            {"kind": kind},
            name=f"collection_export_{kind}",
        )
        for kind in ("bib", "json", "atom")
    ),
    path("collections/save/", collections.collection_save, name="collection_save"),
]

urlpatterns = [
    *account_patterns,
    path("users/<segment:username>/", profiles.member_detail, name="member_detail"),
    path("submit/", submissions.submit, name="submit"),
    path("papers/id/<int:pk>/upvote/", votes.upvote_by_pk, name="paper_upvote_by_pk"),
    path("papers/<arxiv:arxiv_id>/upvote/", votes.upvote, name="paper_upvote"),
    *discussion_patterns,
    *collection_patterns,
    path("authors/<slug:slug>/claim/", claims.author_claim, name="author_claim"),
    path("authors/<slug:slug>/edit/", claims.author_edit, name="author_edit"),
    path("follow/", following.follow, name="follow"),
    path("for-you/", following.for_you, name="for_you"),
]
