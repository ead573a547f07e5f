"""The Atom feed of a paper's discussion: its comments and replies, newest first."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.utils.feedgenerator import Atom1Feed

from papers.core.models import Paper

from .selectors import shown_comments

FEED_ITEMS = 50


class DiscussionFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, arxiv_id=None, pk=None):
        papers = Paper.objects.published()
        paper = papers.filter(arxiv_id=arxiv_id).first() if arxiv_id else None
        if pk is not None:
            paper = papers.filter(pk=pk).first()
        if paper is None:
            raise Http404("No such paper in the catalogue.")
        return paper

    def title(self, paper):
        return f"Discussion of “{paper.title}” · {settings.SITE_NAME}"

    def link(self, paper):
        return f"{paper.get_absolute_url()}#discussion"

    def subtitle(self, paper):
        return f"Comments and replies on {paper.title}."

    def items(self, paper):
        comments = shown_comments(paper).order_by("-created_at", "-id")[:FEED_ITEMS]
        for comment in comments:
            comment.paper = paper
        return comments

    def item_title(self, comment):
        who = comment.author.shown_name if comment.author else "A former member"
        verb = "replied" if comment.parent_id else "commented"
        return f"{who} {verb}"

    def item_link(self, comment):
        return comment.get_absolute_url()

    def item_description(self, comment):
        return comment.body_html  # sanitised when it was posted

    def item_author_name(self, comment):
        return comment.author.shown_name if comment.author else None

    def item_pubdate(self, comment):
        return comment.created_at

    def item_updateddate(self, comment):
        return comment.edited_at or comment.created_at
