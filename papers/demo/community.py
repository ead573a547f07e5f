"""The demo's community: a few members with profiles, a discussion with math and
replies on some papers, a claimed (verified) author, public collections and follows,
so that a newcomer sees a living site after ``make run``.

Everything is written through the community's services (counts, notifications and
cache versions stay right). Idempotent: members are matched on their username, and
their comments, collections and follows are only made the first time.
"""

import datetime as dt
from collections import Counter

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from papers.community import services as votes
from papers.community.claims import services as claims
from papers.community.collections import services as collections
from papers.community.discussion import services as discussion
from papers.community.following import services as following
from papers.community.models import AuthorClaim
from papers.community.profiles.services import profile_update
from papers.core import derived
from papers.core.models import Author, Paper, Topic

DEMO_NOTE = "(A demo account of the sample data.)"
MEMBERS = [
    {
        "username": "adaokafor",
        "display_name": "Ada Okafor",
        "affiliation": "University of Lagos",
        "bio": "World models and planning from pixels. Reading group on Fridays: "
        "papers I bring are in my collections.",
        "links": ["https://example.org/ada"],
    },
    {
        "username": "gracelin",
        "display_name": "Grace Lin",
        "affiliation": "ETH Zürich",
        "bio": "Graph learning, $f$-divergences and the occasional survey.",
        "links": [],
    },
    {
        "username": "yusufdemir",
        "display_name": "Yusuf Demir",
        "affiliation": "",
        "bio": "Reproducing RL papers so you don't have to.",
        "links": [],
    },
    {
        "username": "kgandhi",
        "display_name": "K. Gandhi",
        "affiliation": "Stanford University",
        "bio": "This account shows what a claimed, verified author page looks like.",
        "links": [],
    },
]
CLAIMED = ("kgandhi", "Kanishk Gandhi")
SUBMITTED = {"2411.04983": "adaokafor", "2501.00773": "gracelin", "2503.01307": "yusufdemir"}
# (paper, author, body, replies [(author, body)], hours ago)
DISCUSSION = [
    (
        "2503.01307",
        "adaokafor",
        "How sensitive is the gain to the size of the priming set? With $n \\approx 1000$ "
        "examples the curves look saturated, but is there a regime where a handful of "
        "traces already gives most of the effect?",
        [
            (
                "kgandhi",
                "Good question! Even a few hundred primed traces recover most of the gain; "
                "what matters is that the traces *show* the behaviours (verification, "
                "backtracking), not that they are correct.",
            ),
            ("yusufdemir", "Reproduced the backtracking ablation on a smaller model: same trend."),
        ],
        30,
    ),
    (
        "2411.04983",
        "gracelin",
        "If I read Section 3 right, planning minimises a latent distance at the horizon:\n\n"
        "$$\\min_{a_{1:H}} \\; \\lVert \\hat z_{H} - z_{\\text{goal}} \\rVert_2^2$$\n\n"
        "Did you try a discounted sum over intermediate steps instead of the last one?",
        [
            (
                "adaokafor",
                "We tried $\\sum_{t} \\gamma^{H-t} \\lVert \\hat z_t - z_g \\rVert^2$ in our "
                "reading group's replication: slightly smoother plans, same success rate.",
            )
        ],
        20,
    ),
    (
        "2306.14846",
        "yusufdemir",
        "The released checkpoints run fine on a Jetson Orin. Worth noting for anyone "
        "deploying this on a real robot: the topological graph step dominates latency.",
        [],
        8,
    ),
]
COLLECTIONS = [
    (
        "adaokafor",
        "World models reading list",
        "Papers for our Friday reading group on **world models**: from video "
        "generation to planning in latent space.",
        ["2411.04983", "2405.03520", "2411.02385", "2306.14846", "2410.07166"],
    ),
    (
        "gracelin",
        "Graph learning essentials",
        "Benchmarks and surveys I point students to.",
        ["2501.00773", "2204.01057", "2312.07859", "2401.08519"],
    ),
]
FOLLOWS = {
    "adaokafor": {"topics": ["World Models & Video Generation"], "authors": ["Yann LeCun"]},
    "yusufdemir": {
        "topics": ["Reinforcement Learning"],
        "collections": [("adaokafor", "World models reading list")],
    },
}
UPVOTES = {
    "adaokafor": ["2411.04983", "2405.03520", "2503.01307"],
    "gracelin": ["2501.00773", "2411.04983"],
    "yusufdemir": ["2503.01307", "2307.13372"],
}


def _papers(arxiv_ids) -> dict[str, Paper]:
    return {p.arxiv_id: p for p in Paper.objects.published().filter(arxiv_id__in=arxiv_ids)}


@transaction.atomic
def load_community(*, now: dt.datetime | None = None) -> Counter:
    now = now or timezone.now()
    summary = Counter()
    User = get_user_model()
    members, created = {}, set()
    for data in MEMBERS:
        member = User.objects.filter(username=data["username"]).first()
        if member is None:
            member = User(
                username=data["username"],
                email=f"{data['username']}@demo.invalid",
                date_joined=now - dt.timedelta(days=90),
            )
            member.set_unusable_password()
            member.save()
            profile_update(
                user=member,
                display_name=data["display_name"],
                bio=f"{data['bio']} {DEMO_NOTE}",
                affiliation=data["affiliation"],
                links=data["links"],
                email_notifications=False,
            )
            created.add(member.username)
        members[member.username] = member
    summary["demo members created"] = len(created)
    if not created:
        return summary  # the community was loaded before: nothing to add
    _claim(members[CLAIMED[0]], CLAIMED[1], summary)
    _submissions(members)
    _upvotes(members, summary)
    _discussion(members, now, summary)
    _collections(members, summary)
    _follows(members, summary)
    return summary


def _claim(member, name: str, summary: Counter) -> None:
    author = Author.objects.filter(name=name, user=None).first()
    if author is None or Author.objects.filter(user=member).exists():
        return
    claim = claims.claim_request(user=member, author=author, note="Demo claim.")
    claims.claim_approve(claim=claim, staff=None)
    summary["authors claimed"] += AuthorClaim.objects.filter(pk=claim.pk).count()


def _submissions(members) -> None:
    papers = _papers(SUBMITTED)
    changed = []
    for arxiv_id, username in SUBMITTED.items():
        paper = papers.get(arxiv_id)
        if paper is not None and paper.submitted_by_id is None:
            Paper.objects.filter(pk=paper.pk).update(submitted_by=members[username])
            changed.append(paper.pk)
    if changed:
        derived.papers_changed(paper_ids=changed)


def _upvotes(members, summary: Counter) -> None:
    papers = _papers({arxiv_id for ids in UPVOTES.values() for arxiv_id in ids})
    for username, arxiv_ids in UPVOTES.items():
        for arxiv_id in arxiv_ids:
            if arxiv_id in papers:
                result = votes.paper_upvote(
                    paper=papers[arxiv_id], user=members[username], voted=True
                )
                summary["demo upvotes"] += result.changed


def _discussion(members, now, summary: Counter) -> None:
    papers = _papers({item[0] for item in DISCUSSION})
    for arxiv_id, username, body, replies, hours in DISCUSSION:
        paper = papers.get(arxiv_id)
        if paper is None:
            continue
        at = now - dt.timedelta(hours=hours)
        comment = discussion.comment_create(
            paper=paper, author=members[username], body=body, now=at
        )
        summary["demo comments"] += 1
        for n, (replier, text) in enumerate(replies, start=1):
            reply = discussion.comment_create(
                paper=paper,
                author=members[replier],
                body=text,
                parent=comment,
                now=at + dt.timedelta(hours=n),
            )
            discussion.comment_upvote(comment=reply, user=members[username], voted=True)
            summary["demo comments"] += 1
        for voter in members.values():
            if voter.username != username and voter.username != "kgandhi":
                discussion.comment_upvote(comment=comment, user=voter, voted=True)


def _collections(members, summary: Counter) -> None:
    for username, name, description, arxiv_ids in COLLECTIONS:
        collection = collections.collection_create(
            owner=members[username], name=name, description=description, is_public=True
        )
        papers = _papers(arxiv_ids)
        for arxiv_id in arxiv_ids:
            if arxiv_id in papers:
                collections.collection_add(collection=collection, paper=papers[arxiv_id])
        summary["demo collections"] += 1


def _follows(members, summary: Counter) -> None:
    from papers.community.models import Collection

    for username, wanted in FOLLOWS.items():
        user = members[username]
        targets = [
            *Topic.objects.filter(name__in=wanted.get("topics", [])),
            *Author.objects.filter(name__in=wanted.get("authors", [])),
            *(
                Collection.objects.filter(owner__username=owner, name=name).first()
                for owner, name in wanted.get("collections", [])
            ),
        ]
        for target in targets:
            if target is not None:
                summary["demo follows"] += following.follow_set(
                    user=user, target=target, following=True
                )
