"""A corpus of cross-site scripting payloads and a catalogue built from them.

Used by tests/security/test_security_xss.py (HTTP: no payload comes back as live markup)
and tests/browser/test_xss.py (Chromium: no payload runs). Every payload that
would run sets ``window.__xss`` or opens a dialog, so a browser test can tell.
"""

import datetime as dt
from html.parser import HTMLParser

from tests.factories import make_author, make_paper, make_repository, make_topic, make_user

PAYLOADS = [
    "<script>window.__xss=1</script>",
    "<img src=x onerror=window.__xss=1>",
    '"><svg onload=window.__xss=1>',
    "'><img src=x onerror=alert(1)>",
    '<a href="javascript:window.__xss=1">click me</a>',
    "javascript:window.__xss=1",
    '<iframe src="javascript:window.__xss=1"></iframe>',
    "</title></textarea><script>window.__xss=1</script>",
    "<<script>window.__xss=1//<</script>",
    "<svg><script>window.__xss=1</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=1>",
    "<body onload=window.__xss=1>",
    '<div style="background:url(javascript:window.__xss=1)">styled</div>',
    '<!--<img src="--><img src=x onerror=window.__xss=1>-->',
    '<details open ontoggle="window.__xss=1">',
    "[markdown link](javascript:window.__xss=1)",
    '<a href="jav&#x09;ascript:window.__xss=1">entity</a>',
    "$\\href{javascript:window.__xss=1}{tex link}$",
    "<broken <b>markup <i onclick=window.__xss=1",
]

# Element names that no page of the site uses and a payload would try to add.
# (<details> is not here: the phone layout's Filters toggle is one. A payload's
# <details ontoggle=...> is still caught by its event handler and verbatim.)
FOREIGN_TAGS = {"iframe", "svg", "math", "object", "embed", "img", "style", "base"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data"}


class MarkupCensus(HTMLParser):
    """What a page would make a browser do: its elements, event handlers and URLs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []
        self.handlers = []
        self.urls = []
        self.inline_scripts = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append((tag, name, value))
            if name in URL_ATTRIBUTES and value is not None:
                self.urls.append("".join(value.split()).lower())
            if name == "style":
                self.handlers.append((tag, name, value))
        if tag == "script":
            self._in_script = not any(name == "src" for name, _ in attrs)

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline_scripts.append(data)


def live_markup_problems(html: str) -> list[str]:
    """Everything in ``html`` that a payload could have turned into running code."""
    census = MarkupCensus()
    census.feed(html)
    problems = [f"inline script: {s[:80]!r}" for s in census.inline_scripts]
    problems += [f"attribute {name} on <{tag}>: {value!r}" for tag, name, value in census.handlers]
    problems += [f"script URL: {url}" for url in census.urls if url.startswith("javascript:")]
    problems += [f"<{tag}> element" for tag in census.tags if tag in FOREIGN_TAGS]
    if census.tags.count("body") > 1:
        problems.append("a second <body>")
    problems += [
        f"payload verbatim: {payload!r}"
        for payload in PAYLOADS
        if ("<" in payload or '"' in payload) and payload in html
    ]
    return problems


def hostile_catalogue():
    """Papers, authors, topics, repositories and a member, every text field a payload.

    Returns a dict of the objects and the list of page addresses that show them.
    """
    topics, authors, repositories, papers = [], [], [], []
    for n, payload in enumerate(PAYLOADS):
        topic = make_topic(name=f"Topic {payload}", slug=f"xss-topic-{n}", description=payload)
        author = make_author(name=f"Ada {payload}", slug=f"xss-author-{n}", affiliation=payload)
        repository = make_repository(
            owner=f"xss{n}", name="repo", description=payload, language="Python"
        )
        paper = make_paper(
            title=f"Alert study {payload}",
            abstract=f"We study alert boxes. {payload} More alert words follow.",
            comment=payload,
            journal_ref=payload,
            authors=[author],
            topics=[topic],
            repositories=[repository],
            listed_on=dt.date(2026, 11, 20),
        )
        topics.append(topic)
        authors.append(author)
        repositories.append(repository)
        papers.append(paper)
    # A username of the shape Django's sign-up form refuses, as an account made
    # outside that form (the admin, a data import) could have; no "/" (it is a URL).
    member = make_user("<img src=x onerror=window.__xss=1>", email="xss@example.org")
    from papers.community.models import Upvote

    Upvote.objects.create(user=member, paper=papers[0])
    pages = [
        "/",
        "/papers/",
        "/papers/date/2026-11-20/",
        "/papers/week/2026-W47/",
        "/papers/month/2026-11/",
        "/papers/?q=alert",
        "/authors/",
        "/authors/?q=Ada",
        "/topics/",
        "/repos/",
        f"/users/{member.username}/",
        *(p.get_absolute_url() for p in papers),
        *(a.get_absolute_url() for a in authors),
        *(t.get_absolute_url() for t in topics),
        *(r.get_absolute_url() for r in repositories),
    ]
    return {
        "papers": papers,
        "authors": authors,
        "topics": topics,
        "repositories": repositories,
        "member": member,
        "pages": pages,
    }
