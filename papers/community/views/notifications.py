"""A member's notifications, and the emails' one-click unsubscribe link."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from papers.web.pagination import paginate

from ..notifications import emails
from ..notifications import services as notifications

PER_PAGE = 30


@login_required
@require_safe
def notification_list(request):
    page = paginate(request, notifications.member_notifications(request.user), per_page=PER_PAGE)
    return render(request, "community/notifications.html", {"page_obj": page})


@login_required
@require_POST
def notifications_read(request):
    ids = [value for value in request.POST.getlist("notification") if value.isdigit()]
    marked = notifications.notifications_mark_read(
        user=request.user, ids=[int(v) for v in ids if len(v) < 19] if ids else None
    )
    if marked:
        messages.success(request, "Marked as read.")
    return redirect("notifications")


@csrf_exempt  # RFC 8058: mail clients post without a token; the signed token is the proof
@require_http_methods(["GET", "HEAD", "POST"])
def emails_off(request, token):
    try:
        member = emails.member_for_token(token)
    except emails.TokenInvalid:
        return render(request, "community/emails_off.html", {"invalid": True}, status=400)
    if request.method == "POST":
        emails.emails_off(user=member)
        return render(request, "community/emails_off.html", {"done": True, "member": member})
    return render(request, "community/emails_off.html", {"member": member, "token": token})
