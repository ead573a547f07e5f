import io
import socket
import time

import pytest
import time_machine
from django.core.cache import cache

# No test reaches the internet. Any attempt to resolve or connect to an address that
# is not this machine's is refused on the spot AND fails the test that made it (an
# exception alone could be swallowed by the code under test: a fetcher that reports
# a failed request and goes on). Upstreams are faked by local servers
# (tests/ingest/upstream.py) on 127.0.0.1.
LOCAL_NAMES = {"localhost", "127.0.0.1", "::1", "0.0.0.0", "", None}
_attempts: list[str] = []
_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo


class InternetRefused(OSError):
    pass


def _is_local(host) -> bool:
    host = host.decode() if isinstance(host, bytes) else host
    return host in LOCAL_NAMES or str(host).startswith("127.")


def _refuse(what: str):
    _attempts.append(what)
    raise InternetRefused(f"tests must not reach the internet: {what}")


def _guarded_getaddrinfo(host, *args, **kwargs):
    if not _is_local(host):
        _refuse(f"resolve {host!r}")
    return _real_getaddrinfo(host, *args, **kwargs)


def _address_host(address):
    return address[0] if isinstance(address, tuple) else None  # None: a Unix socket


def _guarded_connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(_address_host(address)):
        _refuse(f"connect to {address!r}")
    return _real_connect(self, address)


def _guarded_connect_ex(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(_address_host(address)):
        _refuse(f"connect to {address!r}")
    return _real_connect_ex(self, address)


socket.getaddrinfo = _guarded_getaddrinfo
socket.socket.connect = _guarded_connect
socket.socket.connect_ex = _guarded_connect_ex


@pytest.fixture(autouse=True)
def _no_internet():
    """Fail the test if anything in it tried to reach beyond this machine."""
    del _attempts[:]
    yield
    if _attempts:
        tried = ", ".join(_attempts[:3])
        del _attempts[:]
        pytest.fail(f"this test tried to reach the internet: {tried}", pytrace=False)


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def demo_snapshot(django_db_setup, django_db_blocker):
    """The demo catalogue (``load_demo --anchor 2026-11-26``), loaded once per test
    process; ``demo_snapshot.restore()`` puts it in the test's database."""
    from django.core.management import call_command

    from tests.snapshots import DEMO_ANCHOR, Snapshot

    with django_db_blocker.unblock():
        return Snapshot(lambda: call_command("load_demo", anchor=DEMO_ANCHOR, stdout=io.StringIO()))


@pytest.fixture(scope="session")
def hostile_snapshot(django_db_setup, django_db_blocker):
    """tests/xss.py's catalogue of hostile data, built once per test process:
    ``restore()`` it, then ``result`` is what ``hostile_catalogue()`` returned."""
    from tests.snapshots import Snapshot
    from tests.xss import hostile_catalogue

    with django_db_blocker.unblock():
        return Snapshot(hostile_catalogue)


class Clock:
    """The time every clock reads (time-machine), stopped; ``advance`` moves it on."""

    def __init__(self, traveller):
        self._traveller = traveller

    def advance(self, seconds):
        self._traveller.shift(seconds)


@pytest.fixture
def clock():
    """Time stopped at the next midnight UTC: the start of a rate limit window of every
    size (papers/web/ratelimit.py); ``clock.advance(seconds)`` moves it on."""
    with time_machine.travel((int(time.time()) // 86400 + 1) * 86400, tick=False) as traveller:
        yield Clock(traveller)
