from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

admin.site.site_header = "Paper Catalogue curation"
admin.site.site_title = "Paper Catalogue admin"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("papers.browse.urls")),
    path("", include("papers.community.urls")),
    path("", include("papers.digest.urls")),
    path("", include("papers.api.urls")),
    path("", include("papers.web.urls")),
]

# Thumbnails under MEDIA_ROOT, served by Django in development (SERVE_MEDIA); in
# production the proxy or the object store serves MEDIA_URL (docs/ingestion.md).
if settings.SERVE_MEDIA and settings.MEDIA_URL.startswith("/"):
    urlpatterns.append(
        re_path(
            rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.*)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    )
