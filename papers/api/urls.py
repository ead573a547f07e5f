"""The read-only JSON API under ``/api/v1/``; anything else under ``/api/`` is a JSON 404."""

from django.urls import path, re_path

from . import views as api

urlpatterns = [
    path("api/v1/", api.index, name="api_index"),
    path("api/v1/papers/", api.paper_list, name="api_papers"),
    path("api/v1/papers/id/<int:pk>/", api.paper_detail_by_pk, name="api_paper_by_pk"),
    path("api/v1/papers/<arxiv:arxiv_id>/", api.paper_detail, name="api_paper"),
    path(
        "api/v1/papers/id/<int:pk>/comments/",
        api.paper_comments_by_pk,
        name="api_paper_comments_by_pk",
    ),
    path("api/v1/papers/<arxiv:arxiv_id>/comments/", api.paper_comments, name="api_paper_comments"),
    path("api/v1/topics/", api.topic_list, name="api_topics"),
    path("api/v1/topics/<slug:slug>/", api.topic_detail, name="api_topic"),
    path("api/v1/authors/", api.author_list, name="api_authors"),
    path("api/v1/authors/<slug:slug>/", api.author_detail, name="api_author"),
    re_path(r"^api/(?P<rest>.*)$", api.not_found),
]
