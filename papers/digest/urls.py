"""The email digest: sign-up, confirmation and unsubscribe links."""

from django.urls import path

from . import views as digest

urlpatterns = [
    path("subscribe/", digest.subscribe, name="subscribe"),
    path("subscribe/sent/", digest.subscribe_sent, name="subscribe_sent"),
    path("subscribe/confirm/<segment:token>/", digest.confirm, name="subscribe_confirm"),
    path("subscribe/unsubscribe/<segment:token>/", digest.unsubscribe, name="unsubscribe"),
]
