from django.core.paginator import InvalidPage, Paginator
from django.http import Http404


def paginate(request, object_list, *, per_page: int):
    """The page of ``object_list`` named by ``?page=``; 404 for a page that does not exist."""
    paginator = Paginator(object_list, per_page)
    number = request.GET.get("page") or 1
    try:
        return paginator.page(number)
    except InvalidPage as exc:
        raise Http404(f"There is no page {str(number)[:20]!r} here.") from exc
