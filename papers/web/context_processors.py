from django.conf import settings

from .theme import theme_from

# Pages a "Log in" link should not come back to after logging in.
ACCOUNT_PAGES = frozenset(
    {
        "login",
        "logout",
        "signup",
        "password_reset",
        "password_reset_done",
        "password_reset_confirm",
        "password_reset_complete",
    }
)


def site(request):
    return {
        "site_name": settings.SITE_NAME,
        "account_pages": ACCOUNT_PAGES,
        "theme": theme_from(request),
    }
