from django.urls import path, register_converter

from .converters import ArxivIdConverter
from .views import browse, catalogue, health

register_converter(ArxivIdConverter, "arxiv")

urlpatterns = [
    path("", browse.home, name="home"),
    path("papers/", catalogue.paper_list, name="paper_list"),
    path("papers/date/<str:key>/", browse.edition, {"kind": "day"}, name="edition_day"),
    path("papers/week/<str:key>/", browse.edition, {"kind": "week"}, name="edition_week"),
    path("papers/month/<str:key>/", browse.edition, {"kind": "month"}, name="edition_month"),
    path("papers/id/<int:pk>/", browse.paper_detail_by_pk, name="paper_detail_by_pk"),
    path("papers/<arxiv:arxiv_id>/", browse.paper_detail, name="paper_detail"),
    path("authors/", browse.author_list, name="author_list"),
    path("authors/<slug:slug>/", browse.author_detail, name="author_detail"),
    path("topics/", browse.topic_list, name="topic_list"),
    path("topics/<slug:slug>/", catalogue.topic_detail, name="topic_detail"),
    path("repos/", browse.repository_list, name="repository_list"),
    path("repos/<str:owner>/<str:name>/", browse.repository_detail, name="repository_detail"),
    path("healthz", health.healthz, name="healthz"),
]
