from django.urls import path, register_converter

from . import views
from .converters import ArxivIdConverter

register_converter(ArxivIdConverter, "arxiv")

urlpatterns = [
    path("", views.home, name="home"),
    path("papers/", views.paper_list, name="paper_list"),
    path("papers/date/<str:key>/", views.edition, {"kind": "day"}, name="edition_day"),
    path("papers/week/<str:key>/", views.edition, {"kind": "week"}, name="edition_week"),
    path("papers/month/<str:key>/", views.edition, {"kind": "month"}, name="edition_month"),
    path("papers/id/<int:pk>/", views.paper_detail_by_pk, name="paper_detail_by_pk"),
    path("papers/<arxiv:arxiv_id>/", views.paper_detail, name="paper_detail"),
    path("authors/", views.author_list, name="author_list"),
    path("authors/<slug:slug>/", views.author_detail, name="author_detail"),
    path("topics/", views.topic_list, name="topic_list"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic_detail"),
    path("repos/", views.repository_list, name="repository_list"),
    path("repos/<str:owner>/<str:name>/", views.repository_detail, name="repository_detail"),
    path("healthz", views.healthz, name="healthz"),
]
