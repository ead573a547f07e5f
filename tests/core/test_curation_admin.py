"""Curation in the admin: filters, bulk actions, merges, reparenting, the arXiv upload
page, and the admin log entry every change leaves."""

import datetime as dt
from pathlib import Path

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile

from papers.core import services
from papers.core.models import Author, AuthorAlias, Authorship, Paper, Topic
from papers.core.names import name_key
from papers.ingest.writes import authors_get_or_create
from tests.factories import (
    make_author,
    make_category,
    make_paper,
    make_repository,
    make_topic,
    make_user,
)

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent.parent / "data" / "arxiv"


@pytest.fixture
def curator():
    return make_user("curator", is_staff=True, is_superuser=True)


@pytest.fixture
def staff_client(client, curator):
    client.force_login(curator)
    return client


def url(model, rest=""):
    return f"/admin/core/{model}/{rest}"


def choose(client, model, action, objects, **data):
    """The first click: the action chosen on the change list."""
    return client.post(
        url(model),
        {"action": action, "_selected_action": [o.pk for o in objects], "index": 0, **data},
    )


def confirm(client, model, action, objects, **data):
    """The intermediate page submitted."""
    return client.post(
        url(model),
        {"action": action, "_selected_action": [o.pk for o in objects], "apply": "yes", **data},
    )


def log_for(obj, flag=None):
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=str(obj.pk)
    )
    if flag is not None:
        entries = entries.filter(action_flag=flag)
    return list(entries.order_by("pk").values_list("change_message", flat=True))


def author_names(paper):
    return list(
        Authorship.objects.filter(paper=paper)
        .order_by("position")
        .values_list("position", "author__name")
    )


# Paper list ----------------------------------------------------------------


def test_paper_list_filters_with_facets(staff_client):
    topic = make_topic("Reasoning")
    cv = make_category("cs.CV", "Computer Vision and Pattern Recognition")
    with_code = make_paper(
        topics=[topic], categories=[cv], repositories=[make_repository()], listed_on=dt.date.today()
    )
    hidden = make_paper(status=Paper.Status.HIDDEN)

    response = staff_client.get(url("paper"), {"_facets": "True", "has_code__exact": "1"})
    assert list(response.context["cl"].result_list) == [with_code]
    response = staff_client.get(url("paper"), {"topics__id__exact": topic.pk})
    assert list(response.context["cl"].result_list) == [with_code]
    response = staff_client.get(url("paper"), {"categories__id__exact": cv.pk})
    assert list(response.context["cl"].result_list) == [with_code]
    response = staff_client.get(url("paper"), {"status__exact": "hidden"})
    assert list(response.context["cl"].result_list) == [hidden]
    response = staff_client.get(url("paper"), {"listed_on__gte": dt.date.today().isoformat()})
    assert list(response.context["cl"].result_list) == [with_code]

    response = staff_client.get(url("paper"), {"_facets": "True"})
    body = response.content.decode()
    assert "Reasoning (1)" in body and "Hidden (1)" in body
    assert "/admin/core/paper/import-arxiv/" in body  # the "Import from arXiv" button


# Bulk actions ---------------------------------------------------------------


def test_publish_and_hide_change_only_what_needs_it_and_log_it(staff_client):
    pending = make_paper(status=Paper.Status.PENDING)
    published = make_paper()
    before = Paper.objects.get(pk=published.pk).updated_at

    response = choose(staff_client, "paper", "publish", [pending, published])

    assert response.status_code == 302
    assert set(Paper.objects.values_list("status", flat=True)) == {"published"}
    assert log_for(pending, CHANGE) == ["Published (bulk action)."]
    assert log_for(published) == []
    assert Paper.objects.get(pk=published.pk).updated_at == before
    assert Paper.objects.get(pk=pending.pk).updated_at > before

    choose(staff_client, "paper", "hide", [pending, published])
    assert set(Paper.objects.values_list("status", flat=True)) == {"hidden"}
    assert log_for(published, CHANGE) == ["Hidden (bulk action)."]


def test_feature_and_unfeature(staff_client):
    papers = [make_paper(), make_paper(featured=True)]

    choose(staff_client, "paper", "feature", papers)
    assert Paper.objects.filter(featured=True).count() == 2
    assert log_for(papers[0]) == ["Featured (bulk action)."] and log_for(papers[1]) == []

    response = choose(staff_client, "paper", "unfeature", papers)
    assert not Paper.objects.filter(featured=True).exists()
    assert len(LogEntry.objects.all()) == 3
    follow = staff_client.get(response["Location"])
    assert "Unfeatured 2 papers." in [str(m) for m in follow.context["messages"]]


def test_add_topic_asks_for_the_topic_then_tags(staff_client):
    topic = make_topic("Agents")
    tagged = make_paper(topics=[topic])
    untagged = make_paper()

    page = choose(staff_client, "paper", "add_topic", [tagged, untagged])
    assert page.status_code == 200
    assert page.templates[0].name == "admin/core/action_form.html"
    assert "Agents (1 paper)" in page.content.decode()
    assert not log_for(untagged)

    response = confirm(staff_client, "paper", "add_topic", [tagged, untagged], topic=topic.pk)

    assert response.status_code == 302
    assert set(topic.papers.all()) == {tagged, untagged}
    assert log_for(untagged, CHANGE) == ["Added topic “Agents” (bulk action)."]
    assert log_for(tagged) == []


def test_remove_topic(staff_client):
    topic, other = make_topic("Agents"), make_topic("Robotics")
    papers = [make_paper(topics=[topic, other]), make_paper(topics=[other])]

    confirm(staff_client, "paper", "remove_topic", papers, topic=topic.pk)

    assert not topic.papers.exists()
    assert other.papers.count() == 2
    assert log_for(papers[0], CHANGE) == ["Removed topic “Agents” (bulk action)."]
    assert log_for(papers[1]) == []


def test_add_topic_without_a_valid_topic_shows_the_form_again(staff_client):
    paper = make_paper()
    response = confirm(staff_client, "paper", "add_topic", [paper], topic=999_999)
    assert response.status_code == 200
    assert response.context["form"].errors["topic"]
    assert not paper.topics.exists()


def test_add_topic_to_all_papers_across_pages(staff_client):
    topic = make_topic("Everything")
    papers = [make_paper() for _ in range(3)]

    page = choose(staff_client, "paper", "add_topic", papers[:1], select_across=1)
    assert 'name="select_across" value="1"' in page.content.decode()
    confirm(staff_client, "paper", "add_topic", papers[:1], select_across=1, topic=topic.pk)

    assert topic.papers.count() == 3


def test_actions_need_change_permission(client):
    viewer = make_user(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_paper"))
    client.force_login(viewer)
    paper = make_paper(status=Paper.Status.PENDING)

    response = choose(client, "paper", "publish", [paper])

    assert response.status_code in {200, 302, 403}
    assert Paper.objects.get(pk=paper.pk).status == Paper.Status.PENDING
    assert not LogEntry.objects.exists()


# Author merge ---------------------------------------------------------------


def test_author_merge_moves_papers_in_place_and_logs(staff_client):
    survivor = make_author("Jürgen Schmidhuber")
    duplicate = make_author("J. Schmidhuber", orcid="0000-0002-1825-0097")
    first = make_paper(authors=["Sepp Hochreiter", duplicate])
    second = make_paper(authors=[survivor, "Alex Graves"])

    page = choose(staff_client, "author", "merge_authors", [survivor, duplicate])
    assert page.status_code == 200
    assert "J. Schmidhuber — 1 paper" in page.content.decode()

    response = confirm(
        staff_client, "author", "merge_authors", [survivor, duplicate], survivor=survivor.pk
    )

    assert response.status_code == 302
    assert not Author.objects.filter(pk=duplicate.pk).exists()
    assert author_names(first) == [(1, "Sepp Hochreiter"), (2, "Jürgen Schmidhuber")]
    assert author_names(second) == [(1, "Jürgen Schmidhuber"), (2, "Alex Graves")]
    survivor.refresh_from_db()
    assert survivor.orcid == "0000-0002-1825-0097"  # an empty field filled from the duplicate
    assert AuthorAlias.objects.get().author == survivor
    assert authors_get_or_create(names=["J.  Schmidhuber"]) == {
        name_key("J. Schmidhuber"): survivor
    }
    assert log_for(duplicate, DELETION) == [f"Merged into “Jürgen Schmidhuber” (#{survivor.pk})."]
    assert log_for(survivor, CHANGE) == [
        f"Merged “J. Schmidhuber” (#{duplicate.pk}) into this author: 1 authorship moved, "
        "0 duplicate places removed."
    ]
    assert log_for(first, CHANGE) == [
        f"Authors: “J. Schmidhuber” (#{duplicate.pk}) merged into “Jürgen Schmidhuber” "
        f"(#{survivor.pk})."
    ]
    assert log_for(second) == []  # its author list did not change


def test_author_merge_when_both_are_on_one_paper(staff_client):
    survivor, duplicate, third = (
        make_author("Yann LeCun"),
        make_author("Y. LeCun"),
        make_author("Yann Le Cun"),
    )
    # The duplicate comes first here: its place (#1) is kept, the survivor's later one goes.
    paper = make_paper(authors=[duplicate, "Léon Bottou", survivor, "Yoshua Bengio", third])
    Authorship.objects.filter(paper=paper, author=survivor).update(affiliation="NYU")
    other = make_paper(authors=["Someone Else", survivor])

    page = choose(staff_client, "author", "merge_authors", [survivor, duplicate, third])
    assert "lists #1 Y. LeCun, #3 Yann LeCun, #5 Yann Le Cun" in page.content.decode()

    confirm(
        staff_client,
        "author",
        "merge_authors",
        [survivor, duplicate, third],
        survivor=survivor.pk,
    )

    assert author_names(paper) == [(1, "Yann LeCun"), (2, "Léon Bottou"), (3, "Yoshua Bengio")]
    kept = Authorship.objects.get(paper=paper, author=survivor)
    assert kept.affiliation == "NYU"  # the kept place had none: taken from a dropped one
    assert author_names(other) == [(1, "Someone Else"), (2, "Yann LeCun")]
    assert Author.objects.filter(name__icontains="cun").count() == 1
    assert set(AuthorAlias.objects.values_list("name", flat=True)) == {"Y. LeCun", "Yann Le Cun"}
    assert "2 duplicate places removed" in log_for(survivor, CHANGE)[0]


def test_author_merge_service_renumbers_and_never_repeats_an_author():
    a, b = make_author("Ada Lovelace"), make_author("A. Lovelace")
    paper = make_paper(authors=["Charles Babbage", a, "Mary Somerville", b])

    merge = services.author_merge(survivor=b, others=[a])

    assert (merge.moved, merge.duplicates, merge.paper_ids) == (1, 1, [paper.pk])
    assert author_names(paper) == [
        (1, "Charles Babbage"),
        (2, "A. Lovelace"),
        (3, "Mary Somerville"),
    ]
    assert Authorship.objects.filter(paper=paper, author=b).count() == 1


def test_author_merge_needs_two_authors(staff_client):
    author = make_author()
    response = choose(staff_client, "author", "merge_authors", [author])
    assert response.status_code == 302
    assert Author.objects.filter(pk=author.pk).exists()


def test_merged_spelling_is_found_by_the_next_import(staff_client):
    from papers.ingest.importers.arxiv_atom import import_arxiv
    from papers.ingest.importers.sources import file_source

    import_arxiv([file_source(DATA / "query.xml")], listed_on=dt.date(2026, 11, 26))
    jiang = Author.objects.get(name="Albert Q. Jiang")
    curated = make_author("Albert Qiaochu Jiang")
    confirm(staff_client, "author", "merge_authors", [jiang, curated], survivor=curated.pk)

    import_arxiv([file_source(DATA / "query_updated.xml")], listed_on=dt.date(2026, 11, 26))

    mixtral = Paper.objects.get(arxiv_id="2401.04088")
    assert author_names(mixtral)[0] == (1, "Albert Qiaochu Jiang")
    assert not Author.objects.filter(name="Albert Q. Jiang").exists()


# Topics ---------------------------------------------------------------------


def test_topic_merge_moves_papers_and_subtopics(staff_client):
    llm = make_topic("Large Language Models")
    duplicate = make_topic("LLMs", description="Big *language* models.")
    child = make_topic("LLM Agents", parent=duplicate)
    both = make_paper(topics=[llm, duplicate])
    only_duplicate = make_paper(topics=[duplicate])

    page = choose(staff_client, "topic", "merge_topics", [llm, duplicate])
    assert "LLMs — 2 papers, 1 subtopic" in page.content.decode()
    confirm(staff_client, "topic", "merge_topics", [llm, duplicate], survivor=llm.pk)

    assert not Topic.objects.filter(pk=duplicate.pk).exists()
    assert set(llm.papers.all()) == {both, only_duplicate}
    assert list(both.topics.all()) == [llm]  # tagged once
    assert Topic.objects.get(pk=child.pk).parent == llm
    llm.refresh_from_db()
    assert (
        llm.description == "Big *language* models." and "<em>language</em>" in llm.description_html
    )
    assert log_for(duplicate, DELETION) == [f"Merged into “Large Language Models” (#{llm.pk})."]
    assert log_for(llm, CHANGE) == [
        f"Merged “LLMs” (#{duplicate.pk}) into this topic: 2 papers, 1 subtopic moved over."
    ]
    assert log_for(only_duplicate, CHANGE) == [
        f"Topics: “LLMs” (#{duplicate.pk}) merged into “Large Language Models”."
    ]
    assert log_for(child, CHANGE) == [
        f"Parent: “LLMs” (#{duplicate.pk}) merged into “Large Language Models”."
    ]


def test_topic_merge_into_a_subtopic_of_the_merged_one():
    parent = make_topic("Machine Learning")
    broad = make_topic("Deep Learning", parent=parent)
    narrow = make_topic("Neural Networks", parent=broad)

    services.topic_merge(survivor=narrow, others=[broad])

    narrow.refresh_from_db()
    assert narrow.parent == parent  # not under itself


def test_topic_reparent_and_cycles_refused(staff_client):
    ml, vision, detection = make_topic("ML"), make_topic("Vision"), make_topic("Detection")
    Topic.objects.filter(pk=detection.pk).update(parent=vision)

    confirm(staff_client, "topic", "reparent_topics", [vision], parent=ml.pk)
    assert Topic.objects.get(pk=vision.pk).parent == ml
    assert log_for(vision, CHANGE) == ["Parent changed from none to “ML”."]

    response = confirm(staff_client, "topic", "reparent_topics", [ml], parent=detection.pk)
    assert response.status_code == 200
    assert "below one of them" in str(response.context["form"].errors["parent"])
    assert Topic.objects.get(pk=ml.pk).parent is None

    confirm(staff_client, "topic", "reparent_topics", [vision], parent="")
    assert Topic.objects.get(pk=vision.pk).parent is None
    assert log_for(vision, CHANGE)[-1] == "Parent changed from “ML” to none."


def test_topic_change_form_refuses_a_parent_below_itself(staff_client):
    top = make_topic("Top")
    below = make_topic("Below", parent=top)

    response = staff_client.post(
        url("topic", f"{top.pk}/change/"),
        {"name": "Top", "slug": top.slug, "description": "", "parent": below.pk},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["parent"]
    assert Topic.objects.get(pk=top.pk).parent is None


def test_topic_list_shows_paper_and_subtopic_counts(staff_client):
    parent = make_topic("Parent")
    make_topic("Child", parent=parent)
    make_paper(topics=[parent])
    make_paper(topics=[parent])

    response = staff_client.get(url("topic"))

    row = next(t for t in response.context["cl"].result_list if t.pk == parent.pk)
    assert (row.paper_count, row.child_count) == (2, 1)


# Import page ----------------------------------------------------------------


def upload(client, path, **data):
    file = SimpleUploadedFile(path.name, path.read_bytes(), content_type="application/xml")
    return client.post(url("paper", "import-arxiv/"), {"file": file, "listed_on": "today", **data})


def test_import_page_imports_an_uploaded_feed_and_shows_the_summary(staff_client):
    page = staff_client.get(url("paper", "import-arxiv/"))
    assert page.status_code == 200 and page.context["report"] is None

    response = upload(staff_client, DATA / "query.xml")

    assert response.status_code == 200
    report = response.context["report"]
    assert (report.created, report.updated, report.unchanged, report.skipped) == (5, 0, 0, 3)
    body = response.content.decode()
    assert "malformed arXiv id" in body and "Mixtral of Experts" in body
    mixtral = Paper.objects.get(arxiv_id="2401.04088")
    assert log_for(mixtral, ADDITION) == ["Imported from arXiv file “query.xml”."]
    assert LogEntry.objects.filter(action_flag=ADDITION).count() == 5

    again = upload(staff_client, DATA / "query.xml")
    assert again.context["report"].unchanged == 5
    assert LogEntry.objects.count() == 5

    upload(staff_client, DATA / "query_updated.xml")
    assert log_for(mixtral, CHANGE) == ["Updated from arXiv file “query_updated.xml”."]


def test_import_page_rejects_a_broken_file_and_writes_nothing(staff_client):
    response = upload(staff_client, DATA / "not_well_formed.xml")

    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert "not well-formed XML" in errors[0] and "Nothing was written" in errors[0]
    assert not Paper.objects.exists() and not LogEntry.objects.exists()


def test_import_page_dry_run(staff_client):
    response = upload(staff_client, DATA / "query.xml", dry_run="on")

    assert response.context["report"].created == 5
    assert "Dry run: nothing was written" in response.content.decode()
    assert not Paper.objects.exists() and not LogEntry.objects.exists()


def test_import_page_lists_new_papers_on_their_arxiv_date(staff_client):
    upload(staff_client, DATA / "query.xml", listed_on="published")
    assert Paper.objects.get(arxiv_id="1706.03762").listed_on == dt.date(2017, 6, 12)


def test_import_page_needs_add_permission(client):
    staff = make_user(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="change_paper"))
    client.force_login(staff)

    assert client.get(url("paper", "import-arxiv/")).status_code == 403
    assert upload(client, DATA / "query.xml").status_code == 403
    assert not Paper.objects.exists()


def test_author_page_edits_other_spellings_and_refuses_one_taken(staff_client):
    author, other = make_author("Geoffrey Hinton"), make_author("Yoshua Bengio")
    AuthorAlias.objects.create(author=other, name="Y. Bengio")

    def post(*names):
        data = {
            "name": author.name,
            "slug": author.slug,
            "aliases-TOTAL_FORMS": str(len(names)),
            "aliases-INITIAL_FORMS": "0",
        }
        for index, name in enumerate(names):
            data[f"aliases-{index}-name"] = name
        return staff_client.post(url("author", f"{author.pk}/change/"), data)

    response = post("y.  bengio")
    assert response.status_code == 200
    assert "already a spelling of “Yoshua Bengio”" in response.content.decode()
    response = post("G. Hinton", "g. hinton")
    assert response.status_code == 200
    assert "The same spelling is listed twice." in response.content.decode()
    assert not author.aliases.exists()

    assert post("G.  E. Hinton").status_code == 302
    assert list(author.aliases.values_list("name", flat=True)) == ["G. E. Hinton"]
    assert authors_get_or_create(names=["g. e. hinton"]) == {name_key("G. E. Hinton"): author}
