"""Accounts: sign up, log in and out, password change and reset (Django's auth views),
rate-limited per client IP and per account. (A member's public page: views/profiles.py.)
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.db import IntegrityError, transaction
from django.http import HttpResponseRedirect
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import FormView

from papers.web import ratelimit

from ..forms import EMAIL_TAKEN, SignupForm
from .votes import cast_intended_vote, vote_intent


class RateLimitedFormMixin:
    """Count each POST against ``settings.RATE_LIMITS[rate_limit_policy]`` before the form runs.

    Over the limit, the page comes back with status 429, a ``Retry-After``
    header and an unbound form (a bound one would run its validation, such as
    checking the password).
    """

    rate_limit_policy: str
    rate_limit_account_field: str | None = None

    def rate_limit_account(self) -> str | None:
        if self.rate_limit_account_field:
            return self.request.POST.get(self.rate_limit_account_field, "")[:254] or None
        return None

    def post(self, request, *args, **kwargs):
        decision = ratelimit.check(
            request, self.rate_limit_policy, account=self.rate_limit_account()
        )
        if decision.allowed:
            return super().post(request, *args, **kwargs)
        kwargs = {k: v for k, v in self.get_form_kwargs().items() if k not in {"data", "files"}}
        if self.rate_limit_account_field:
            kwargs["initial"] = {self.rate_limit_account_field: self.rate_limit_account()}
        context = self.get_context_data(
            form=self.get_form_class()(**kwargs),
            rate_limited=(
                f"Too many attempts. For your safety, please wait {decision.retry_after_text} "
                "and try again."
            ),
        )
        response = self.render_to_response(context, status=429)
        response["Retry-After"] = str(decision.retry_after)
        return response


class SiteNameMixin:
    """Django's auth views put the request's host in ``site_name``; keep the site's name."""

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "site_name": settings.SITE_NAME}


class VoteIntentMixin:
    """Log in or sign up to upvote a paper (``?upvote=<id>``, see views/votes.py): the
    page names the paper, and the vote is cast once the visitor is in."""

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "vote_paper": vote_intent(self.request)}

    def cast_intended_vote(self, response):
        paper = vote_intent(self.request)
        cast_intended_vote(self.request, paper)
        if paper is not None and response.status_code == 302 and "#" not in response["Location"]:
            response["Location"] += f"#vote-{paper.pk}"
        return response


class LoginView(VoteIntentMixin, RateLimitedFormMixin, SiteNameMixin, auth_views.LoginView):
    rate_limit_policy = "login"
    rate_limit_account_field = "username"
    redirect_authenticated_user = True

    def form_valid(self, form):
        ratelimit.reset_account("login", form.cleaned_data["username"])
        return self.cast_intended_vote(super().form_valid(form))


class PasswordResetView(RateLimitedFormMixin, SiteNameMixin, auth_views.PasswordResetView):
    rate_limit_policy = "password_reset"
    rate_limit_account_field = "email"
    extra_email_context = {"site_name": settings.SITE_NAME}


class PasswordChangeView(RateLimitedFormMixin, SiteNameMixin, auth_views.PasswordChangeView):
    rate_limit_policy = "password_change"


@method_decorator([sensitive_post_parameters("password1", "password2"), never_cache], "dispatch")
class SignupView(
    VoteIntentMixin, RateLimitedFormMixin, SiteNameMixin, auth_views.RedirectURLMixin, FormView
):
    form_class = SignupForm
    template_name = "community/signup.html"
    rate_limit_policy = "signup"
    rate_limit_account_field = "email"
    next_page = settings.LOGIN_REDIRECT_URL

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            # Not redirect(): a ``next`` such as "0" would be looked up as a view name.
            return HttpResponseRedirect(self.get_success_url())
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            with transaction.atomic():
                user = form.save()
        except IntegrityError:  # the same email signed up a moment ago
            form.add_error("email", EMAIL_TAKEN)
            return self.form_invalid(form)
        login(self.request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(self.request, f"Welcome, {user.username}! You can now upvote papers.")
        return self.cast_intended_vote(HttpResponseRedirect(self.get_success_url()))

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "next": self.get_redirect_url()}
