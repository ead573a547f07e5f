"""Members submit arXiv papers; staff moderate them in the admin (PendingSubmissionAdmin)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from papers.web import ratelimit

from .. import services
from ..forms import SubmissionForm


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def submit(request):
    limit = settings.SUBMISSIONS_PER_DAY
    form = SubmissionForm(request.POST or None, user=request.user, daily_limit=limit)
    if request.method == "POST":
        decision = ratelimit.check(request, "submit")
        if not decision.allowed:
            return ratelimit.too_many_requests(request, decision)
        if form.is_valid():
            try:
                paper = services.submission_create(
                    user=request.user, arxiv_id=form.cleaned_data["paper"]
                )
            except services.SubmissionRefused as refusal:
                form.add_error("paper", str(refusal))
            else:
                messages.success(
                    request,
                    f"Thank you! arXiv:{paper.arxiv_id} is waiting for review by the curators.",
                )
                return redirect(
                    f"{reverse('member_detail', args=[request.user.username])}#submissions"
                )
    return render(
        request,
        "community/submit.html",
        {
            "form": form,
            "daily_limit": limit,
            "submitted_today": services.submissions_today(user=request.user),
        },
    )
