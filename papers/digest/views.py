"""The email digest's pages: subscribe, confirm (double opt-in), unsubscribe.

Nothing here says whether an address is subscribed: asking always ends on the
same "check your inbox" page, and the address always gets exactly one email.
Links in emails lead to a page with a button, and only the POST acts, so a mail
scanner that opens every link neither confirms nor cancels anything. The
unsubscribe URL also takes the one-click POST of RFC 8058 from mail clients,
which carries no CSRF token (the signed token in the URL is the proof); the
sign-up takes its one-press POST from cached pages without one too (it only
mails a confirmation link). Those two views alone are exempt.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from papers.web import ratelimit

from .forms import SubscribeForm
from .models import Subscription
from .subscriptions import (
    RequestOutcome,
    SubscriptionGone,
    TokenExpired,
    TokenInvalid,
    mailbox_key,
    read_confirm_token,
    subscription_cancel,
    subscription_confirm,
    subscription_for_unsubscribe,
    subscription_request,
    subscription_to_confirm,
)

logger = logging.getLogger(__name__)

LINK_PROBLEMS = {
    "invalid": (
        400,
        "This link does not work",
        "The link is incomplete or was changed. Copy the whole link from the email, or "
        "subscribe again.",
    ),
    "expired": (
        410,
        "This link has expired",
        "Confirmation links work for three days. Subscribe again and we will send a new one.",
    ),
    "gone": (
        404,
        "This subscription no longer exists",
        "It was cancelled after this link was sent. Subscribe again if you want the digest.",
    ),
}


def _link_problem(request, problem: str):
    status, title, message = LINK_PROBLEMS[problem]
    return render(
        request,
        "digest/link_problem.html",
        {"title": title, "message": message},
        status=status,
    )


def _send_confirmation(request, outcome: RequestOutcome) -> None:
    context = {
        "site_name": settings.SITE_NAME,
        "confirm_url": request.build_absolute_uri(
            reverse("subscribe_confirm", args=[outcome.token])
        ),
        "was_confirmed": outcome.was_confirmed,
        "max_age_days": settings.DIGEST_CONFIRM_MAX_AGE // 86400,
    }
    subject = (
        f"Confirm your new digest settings on {settings.SITE_NAME}"
        if outcome.was_confirmed
        else f"Confirm your subscription to the {settings.SITE_NAME} digest"
    )
    EmailMessage(
        subject=subject,
        body=render_to_string("digest/emails/subscription_confirm.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[outcome.subscription.email],
    ).send()


@never_cache
@csrf_exempt  # see below
@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request):
    """The digest sign-up: the full form (GET), or one press from the box on the front
    and topic pages (POST with an address, a frequency and perhaps a topic).

    A POST here takes no CSRF token: it changes nothing for the visitor's session and
    only mails the address a confirmation link (double opt-in; nothing is sent until
    that link is followed), limited per address and per mailbox; requiring a token
    would make every page with the box uncacheable for visitors.
    """
    status = 200
    rate_limited = ""
    if request.method == "POST":
        email = request.POST.get("email", "")[:254]
        # Per mailbox as well as per address typed: victim+1@, victim+2@... are one inbox.
        decision = ratelimit.check(request, "subscribe", account=mailbox_key(email) or None)
        if not decision.allowed:
            form = SubscribeForm(initial={"email": email})
            rate_limited = (
                f"Too many subscription requests. Please wait {decision.retry_after_text} "
                "and try again."
            )
            status = 429
        else:
            form = SubscribeForm(request.POST)
            if form.is_valid():
                outcome = subscription_request(
                    email=form.cleaned_data["email"],
                    frequency=form.cleaned_data["frequency"],
                    topics=form.cleaned_data["topics"],
                )
                try:
                    _send_confirmation(request, outcome)
                except Exception:
                    logger.exception(
                        "confirmation email to subscription %s failed", outcome.subscription.pk
                    )
                    return render(request, "digest/send_failed.html", status=503)
                return redirect("subscribe_sent")
    else:
        form = SubscribeForm(
            initial={
                "email": request.GET.get("email", "")[:254],
                "topics": request.GET.getlist("topic"),
                "frequency": request.GET.get("frequency", Subscription.Frequency.DAILY),
            }
        )
    response = render(
        request,
        "digest/subscribe.html",
        {"form": form, "rate_limited": rate_limited},
        status=status,
    )
    if status == 429:
        response["Retry-After"] = str(decision.retry_after)
    return response


@require_safe
def subscribe_sent(request):
    return render(request, "digest/sent.html")


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token):
    try:
        asked = read_confirm_token(token)
    except TokenExpired:
        return _link_problem(request, "expired")
    except TokenInvalid:
        return _link_problem(request, "invalid")
    if request.method == "POST":
        try:
            subscription = subscription_confirm(request=asked)
        except SubscriptionGone:
            return _link_problem(request, "gone")
        return render(
            request,
            "digest/confirmed.html",
            {"subscription": subscription, "topics": subscription.topics.order_by("name")},
        )
    subscription = subscription_to_confirm(asked)
    if subscription is None:
        return _link_problem(request, "gone")
    return render(
        request,
        "digest/confirm.html",
        {
            "email": subscription.email,
            "frequency": dict(Subscription.Frequency.choices).get(asked.frequency, ""),
            "topics": asked.topics,
        },
    )


@csrf_exempt  # RFC 8058 one-click unsubscribe: mail clients POST without a CSRF token.
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    if request.method == "POST":
        decision = ratelimit.check(request, "unsubscribe")
        if not decision.allowed:
            return ratelimit.too_many_requests(request, decision)
    try:
        subscription = subscription_for_unsubscribe(token)
    except TokenInvalid:
        return _link_problem(request, "invalid")
    if subscription is None:  # unsubscribed already
        return render(request, "digest/unsubscribed.html")
    if request.method == "POST":
        subscription_cancel(token=token)
        return render(request, "digest/unsubscribed.html", {"email": subscription.email})
    return render(request, "digest/unsubscribe.html", {"email": subscription.email})
