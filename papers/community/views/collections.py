"""Collections: a member's list, one collection's page, editing, ordering, exporting, and
saving a paper from any card or paper page (forms that work without JavaScript)."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from papers.core.models import Paper
from papers.web.pagecache import cache_for_visitors
from papers.web.pagination import paginate

from .. import selectors as member_selectors
from ..collections import export, selectors, services
from ..collections.forms import CollectionForm
from .common import limited, login_first, safe_next, wants_json


def _collection_or_404(request, username, slug):
    collection = selectors.collection_for(username, slug, viewer=request.user)
    if collection is None:
        raise Http404("No such collection.")
    return collection


def _own_collection_or_404(request, username, slug):
    collection = _collection_or_404(request, username, slug)
    if collection.owner_id != request.user.pk:
        raise Http404("No such collection of yours.")
    return collection


@require_http_methods(["GET", "HEAD", "POST"])
def collection_list(request, username):
    member = selectors.active_member(username)
    if member is None:
        raise Http404("No such member.")
    is_own = request.user.pk == member.pk
    form = CollectionForm(request.POST or None) if is_own else None
    if request.method == "POST":
        if not is_own:
            raise Http404("You can only add collections of your own.")
        refusal = limited(request, "collect")
        if refusal:
            return refusal
        if form.is_valid():
            try:
                collection = services.collection_create(
                    owner=request.user,
                    name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"],
                    is_public=form.cleaned_data["is_public"],
                )
            except services.CollectionRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(
                    request, f"“{collection.name}” is ready: add papers from any card."
                )
                return redirect(collection)
    return render(
        request,
        "community/collection_list.html",
        {
            "member": member,
            "is_own_page": is_own,
            "collections": list(selectors.member_collections(member, viewer=request.user)),
            "form": form,
        },
        status=400 if form is not None and form.errors else 200,
    )


@require_safe
@cache_for_visitors
def collection_detail(request, username, slug):
    collection = _collection_or_404(request, username, slug)
    page = paginate(
        request,
        selectors.collection_papers(collection).for_cards(),
        per_page=settings.PAPERS_PER_PAGE,
    )
    return render(
        request,
        "community/collection_detail.html",
        {
            "collection": collection,
            "page_obj": page,
            "voted_ids": member_selectors.voted_paper_ids(request.user, page),
            "is_own": collection.owner_id == request.user.pk,
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def collection_edit(request, username, slug):
    collection = _own_collection_or_404(request, username, slug)
    form = CollectionForm(request.POST or None, instance=collection)
    if request.method == "POST":
        refusal = limited(request, "collect")
        if refusal:
            return refusal
        if form.is_valid():
            try:
                services.collection_update(
                    collection=collection,
                    name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"],
                    is_public=form.cleaned_data["is_public"],
                )
            except services.CollectionRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(request, "Collection saved.")
                return redirect(collection)
    return render(
        request,
        "community/collection_edit.html",
        {"collection": collection, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def collection_delete(request, username, slug):
    collection = _own_collection_or_404(request, username, slug)
    if request.method == "POST":
        services.collection_delete(collection=collection)
        messages.success(request, f"“{collection.name}” was deleted.")
        return redirect("collection_list", username=request.user.username)
    return render(request, "community/collection_delete.html", {"collection": collection})


@login_required
@require_POST
def collection_move(request, username, slug):
    collection = _own_collection_or_404(request, username, slug)
    refusal = limited(request, "collect")
    if refusal:
        return refusal
    try:
        paper_id = int(request.POST.get("paper", "")[:18])
    except ValueError:
        paper_id = 0
    services.collection_move(
        collection=collection, paper_id=paper_id, direction=request.POST.get("direction", "")
    )
    return redirect(f"{safe_next(request, collection.get_absolute_url())}#item-{paper_id}")


@require_POST
def collection_save(request):
    """Add a paper to (or remove it from) one of the member's collections: the save menu
    of cards and paper pages. ``add`` or ``remove`` names the collection (``add`` empty:
    the member's first collection, made if needed)."""
    try:
        paper_id = int(request.POST.get("paper", "")[:18])
    except ValueError:
        raise Http404("No such paper.") from None
    paper = get_object_or_404(
        Paper.objects.published().only("pk", "arxiv_id", "title"), pk=paper_id
    )
    back = safe_next(request, paper.get_absolute_url()).split("#")[0]
    if not request.user.is_authenticated:
        return login_first(request, back, message="Log in to save papers.")
    refusal = limited(request, "collect")
    if refusal:
        return refusal
    adding = "add" in request.POST
    chosen = request.POST.get("add" if adding else "remove", "")
    try:
        if adding and not chosen:
            collection = services.default_collection(owner=request.user)
        else:
            collection = selectors.owned_collection(request.user, chosen)
            if collection is None:
                raise Http404("No such collection of yours.")
        if adding:
            services.collection_add(collection=collection, paper=paper)
            text = f"Saved to {collection.name}."
        else:
            services.collection_remove(collection=collection, paper=paper)
            text = f"Removed from {collection.name}."
    except services.CollectionRefused as refusal:
        if wants_json(request):
            return JsonResponse({"error": "refused", "message": str(refusal)}, status=400)
        messages.error(request, str(refusal))
        return redirect(f"{back}#save-{paper.pk}")
    if wants_json(request):
        return JsonResponse({"saved": adding, "collection": collection.pk, "message": text})
    messages.success(request, text)
    return redirect(f"{back}#save-{paper.pk}")


@require_safe
def collection_export(request, username, slug, kind):
    collection = _collection_or_404(request, username, slug)
    refusal = limited(request, "export")  # the catalogue's exports' limit, per address
    if refusal:
        return refusal
    site_url = request.build_absolute_uri("/")[:-1]
    filename = f"{collection.owner.username}-{collection.slug}"
    if kind == "bib":
        response = HttpResponse(
            export.collection_bibtex(collection, site_url=site_url),
            content_type="text/plain; charset=utf-8",
        )
        response["Content-Disposition"] = f'inline; filename="{filename}.bib"'
    elif kind == "json":
        data = export.collection_json(collection, absolute=request.build_absolute_uri)
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
    elif kind == "atom":
        response = export.CollectionFeed()(request, collection=collection)
    else:
        raise Http404("No such export.")
    if not collection.is_public:
        response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
