"""The discussion's writes: post (or preview) a comment or reply, edit, delete, upvote and
report one. Each works as a plain form (POST, then a redirect to ``#comment-<id>``) and,
for static/js/discussion.js, as ``fetch`` with ``Accept: application/json``.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_http_methods, require_POST

from papers.core.models import Paper

from ..discussion import selectors, services
from ..discussion.forms import CommentForm, EditForm, ReportForm
from ..discussion.selectors import Discussion, Thread, claimed_author_member_ids
from ..text import render_member_markdown
from .common import json_error, limited, login_first, wants_json

# ``/papers/<arxiv_id>/comments/`` and ``/papers/id/<n>/comments/``


@require_http_methods(["GET", "HEAD", "POST"])
def comment_post(request, arxiv_id):
    return _post(request, Q(arxiv_id=arxiv_id))


@require_http_methods(["GET", "HEAD", "POST"])
def comment_post_by_pk(request, pk):
    return _post(request, Q(pk=pk))


def _paper(paper_filter: Q) -> Paper:
    return get_object_or_404(
        Paper.objects.published()
        .select_related("submitted_by")
        .prefetch_related("authorships__author"),
        paper_filter,
    )


def _post(request, paper_filter: Q):
    paper = _paper(paper_filter)
    discussion_url = f"{paper.get_absolute_url()}#discussion"
    if request.method != "POST":
        return redirect(discussion_url)
    if not request.user.is_authenticated:
        return login_first(request, discussion_url, message="Log in to join the discussion.")
    previewing = bool(request.POST.get("preview"))
    refusal = limited(request, "comment_preview" if previewing else "comment")
    if refusal:
        return refusal
    form = CommentForm(request.POST)
    parent = None
    if form.is_valid() and form.cleaned_data["parent"]:
        parent = selectors.comment_for_view(form.cleaned_data["parent"], user=request.user)
        if parent is None or parent.paper_id != paper.pk:
            form.add_error(None, "The comment you are replying to no longer exists.")
    if form.is_valid() and previewing:
        html = render_member_markdown(form.cleaned_data["body"])
        if wants_json(request):
            return JsonResponse({"preview_html": html})
        return _form_page(request, paper, form, parent=parent, preview_html=html)
    if form.is_valid():
        try:
            comment = services.comment_create(
                paper=paper, author=request.user, body=form.cleaned_data["body"], parent=parent
            )
        except services.CommentRefused as refusal:
            form.add_error("body", str(refusal))
        else:
            return _posted(request, paper, comment)
    if wants_json(request):
        errors = [str(e) for errors in form.errors.values() for e in errors]
        return json_error(" ".join(errors) or "The comment could not be posted.", errors=errors)
    return _form_page(request, paper, form, parent=parent, status=400)


def _form_page(request, paper, form, *, parent=None, preview_html=None, status=200):
    """The comment form on a page of its own (previews and errors without JavaScript)."""
    return render(
        request,
        "community/comment_form.html",
        {"paper": paper, "form": form, "parent": parent, "preview_html": preview_html},
        status=status,
    )


def _posted(request, paper, comment):
    held = comment.status == comment.Status.PENDING
    url = selectors.comment_url(comment)
    if wants_json(request):
        context = {
            "paper": paper,
            "discussion": _one_comment_discussion(paper, comment),
            "thread": Thread(comment),
            "comment": comment,
        }
        template = "community/_reply.html" if comment.parent_id else "community/_thread.html"
        return JsonResponse(
            {
                "id": comment.pk,
                "parent": comment.parent_id,
                "url": url,
                "held": held,
                "comment_count": Paper.objects.filter(pk=paper.pk)
                .values_list("comment_count", flat=True)
                .get(),
                "html": render_to_string(template, context, request=request),
            },
            status=201,
        )
    if held:
        messages.success(
            request,
            "Thank you! Your comment will be visible to everyone once a moderator approves it "
            "(new accounts' first comments are reviewed).",
        )
    return redirect(url)


def _one_comment_discussion(paper, comment) -> Discussion:
    return Discussion(
        paper=paper,
        threads=[Thread(comment)],
        order=selectors.DEFAULT_ORDER,
        page=1,
        has_next=False,
        voted_ids=frozenset(),
        author_member_ids=claimed_author_member_ids(paper),
        count=paper.comment_count,
    )


def _comment_or_404(request, comment_id):
    comment = selectors.comment_for_view(comment_id, user=request.user)
    if comment is None:
        raise Http404("No such comment.")
    return comment


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def comment_edit(request, comment_id):
    comment = _comment_or_404(request, comment_id)
    if not services.can_edit(comment, request.user):
        messages.error(request, "This comment can no longer be edited.")
        return redirect(selectors.comment_url(comment))
    form = EditForm(request.POST or None, initial={"body": comment.body})
    preview_html = None
    if request.method == "POST":
        refusal = limited(request, "comment")
        if refusal:
            return refusal
        if form.is_valid() and request.POST.get("preview"):
            preview_html = render_member_markdown(form.cleaned_data["body"])
        elif form.is_valid():
            try:
                services.comment_edit(
                    comment=comment, user=request.user, body=form.cleaned_data["body"]
                )
            except services.CommentRefused as refusal:
                form.add_error("body", str(refusal))
            else:
                return redirect(selectors.comment_url(comment))
    return render(
        request,
        "community/comment_edit.html",
        {"comment": comment, "paper": comment.paper, "form": form, "preview_html": preview_html},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def comment_delete(request, comment_id):
    comment = _comment_or_404(request, comment_id)
    if not (request.user.is_staff or comment.author_id == request.user.pk):
        raise Http404("No such comment of yours.")
    if request.method == "POST":
        services.comment_delete(comment=comment, user=request.user)
        messages.success(request, "Your comment was deleted.")
        return redirect(f"{comment.paper.get_absolute_url()}#discussion")
    return render(
        request, "community/comment_delete.html", {"comment": comment, "paper": comment.paper}
    )


@require_POST
def comment_upvote(request, comment_id):
    comment = get_object_or_404(
        selectors.shown_comments_anywhere().select_related("paper"), pk=comment_id
    )
    if not request.user.is_authenticated:
        return login_first(request, selectors.comment_url(comment), message="Log in to upvote.")
    refusal = limited(request, "vote")
    if refusal:
        return refusal
    wanted = {"up": True, "down": False}.get(request.POST.get("vote"))
    voted, count = services.comment_upvote(comment=comment, user=request.user, voted=wanted)
    if wants_json(request):
        return JsonResponse({"voted": voted, "upvote_count": count, "comment": comment.pk})
    return redirect(selectors.comment_url(comment))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def comment_report(request, comment_id):
    comment = get_object_or_404(
        selectors.shown_comments_anywhere().select_related("paper", "author"), pk=comment_id
    )
    form = ReportForm(request.POST or None)
    if request.method == "POST":
        refusal = limited(request, "report")
        if refusal:
            return refusal
        if form.is_valid():
            try:
                services.comment_report(
                    comment=comment,
                    reporter=request.user,
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                )
            except services.CommentRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(request, "Thank you: the moderators will have a look.")
                return redirect(selectors.comment_url(comment))
    return render(
        request,
        "community/comment_report.html",
        {"comment": comment, "paper": comment.paper, "form": form},
        status=400 if form.errors else 200,
    )
