"""Claiming an author page, and editing it once the claim is approved."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from papers.core.models import Author

from ..claims import services
from ..claims.forms import AuthorPageForm, ClaimForm
from ..models import AuthorClaim
from .common import limited


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def author_claim(request, slug):
    author = get_object_or_404(Author, slug=slug)
    pending = AuthorClaim.objects.filter(
        author=author, user=request.user, status=AuthorClaim.Status.PENDING
    ).first()
    form = ClaimForm(request.POST or None)
    if request.method == "POST" and pending is None:
        refusal = limited(request, "claim")
        if refusal:
            return refusal
        if form.is_valid():
            try:
                services.claim_request(
                    user=request.user,
                    author=author,
                    note=form.cleaned_data["note"],
                    orcid=form.cleaned_data["orcid"],
                )
            except services.ClaimRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(
                    request,
                    f"Thank you! The staff will check your claim to {author.name}'s page and "
                    "you will see the result there.",
                )
                return redirect(author)
    return render(
        request,
        "community/author_claim.html",
        {"author": author, "form": form, "pending": pending},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def author_edit(request, slug):
    author = get_object_or_404(Author, slug=slug, user=request.user)
    form = AuthorPageForm(request.POST or None, instance=author)
    if request.method == "POST":
        refusal = limited(request, "profile")
        if refusal:
            return refusal
        if form.is_valid():
            services.author_page_update(
                author=author,
                user=request.user,
                affiliation=form.cleaned_data["affiliation"],
                homepage=form.cleaned_data["homepage"],
            )
            messages.success(request, "The author page is updated.")
            return redirect(author)
    return render(
        request,
        "community/author_edit.html",
        {"author": author, "form": form},
        status=400 if form.errors else 200,
    )
