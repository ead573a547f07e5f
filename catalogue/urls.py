from django.contrib import admin
from django.urls import include, path

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
