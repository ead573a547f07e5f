"""A member's public page (profile and tabs) and editing one's own profile."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from papers.core.models import Author
from papers.web.pagecache import cache_for_visitors
from papers.web.pagination import paginate

from .. import selectors
from ..collections import selectors as collection_selectors
from ..discussion import selectors as discussion_selectors
from ..following import selectors as follow_selectors
from ..profiles.forms import ProfileForm
from ..profiles.services import profile_update
from .common import limited

SUBMISSIONS_SHOWN = 50
COMMENTS_PER_PAGE = 30
TABS = [
    ("upvoted", "Upvoted"),
    ("submissions", "Submissions"),
    ("comments", "Comments"),
    ("collections", "Collections"),
]
OWN_TABS = [("following", "Following")]


@require_safe
@cache_for_visitors
def member_detail(request, username):
    member = get_object_or_404(get_user_model(), username=username, is_active=True)
    is_own_page = request.user.pk == member.pk
    tabs = TABS + (OWN_TABS if is_own_page else [])
    tab = request.GET.get("tab", "upvoted")
    if tab not in dict(tabs):
        tab = "upvoted"
    context = {
        "member": member,
        "tab": tab,
        "tabs": tabs,
        "is_own_page": is_own_page,
        "claimed_author": Author.objects.filter(user=member).first(),
    }
    submissions = list(
        selectors.member_submissions(member, viewer=request.user)[: SUBMISSIONS_SHOWN + 1]
    )
    context["submissions"] = submissions[:SUBMISSIONS_SHOWN]
    context["more_submissions"] = len(submissions) > SUBMISSIONS_SHOWN
    if tab == "upvoted":
        page = paginate(
            request,
            selectors.member_upvoted_papers(member).for_cards(),
            per_page=settings.PAPERS_PER_PAGE,
        )
        context["page_obj"] = page
        context["voted_ids"] = selectors.voted_paper_ids(request.user, page)
    elif tab == "comments":
        context["page_obj"] = paginate(
            request,
            discussion_selectors.member_comments(member, viewer=request.user),
            per_page=COMMENTS_PER_PAGE,
        )
    elif tab == "collections":
        context["collections"] = list(
            collection_selectors.member_collections(member, viewer=request.user)
        )
    elif tab == "following":
        context["follows"] = list(follow_selectors.member_follows(member))
    return render(request, "community/member_detail.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def profile_edit(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST":
        refusal = limited(request, "profile")
        if refusal:
            return refusal
        if form.is_valid():
            profile_update(
                user=request.user,
                display_name=form.cleaned_data["display_name"],
                bio=form.cleaned_data["bio"],
                affiliation=form.cleaned_data["affiliation"],
                links=form.cleaned_data["links_text"],
                email_notifications=form.cleaned_data["email_notifications"],
            )
            messages.success(request, "Your profile is saved.")
            return redirect(reverse("member_detail", args=[request.user.username]))
    return render(
        request, "community/profile_edit.html", {"form": form}, status=400 if form.errors else 200
    )
