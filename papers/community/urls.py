"""Members' URLs: accounts, profiles, votes, submissions."""

from django.contrib.auth import views as auth_views
from django.urls import path

from .views import accounts, submissions, votes

urlpatterns = [
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
    path("papers/id/<int:pk>/upvote/", votes.upvote_by_pk, name="paper_upvote_by_pk"),
    path("papers/<arxiv:arxiv_id>/upvote/", votes.upvote, name="paper_upvote"),
]
