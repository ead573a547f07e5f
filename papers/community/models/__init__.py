"""Members and what they do: the user model, votes, the moderation queue, discussion,
notifications, author claims, collections and follows (one module each)."""

from .claims import AuthorClaim
from .collections import Collection, CollectionItem
from .discussion import Comment, CommentReport, CommentVote
from .following import FOLLOWED, Follow
from .members import MAX_LINKS, User
from .notifications import Notification
from .votes import PendingSubmission, Upvote

__all__ = [
    "FOLLOWED",
    "MAX_LINKS",
    "AuthorClaim",
    "Collection",
    "CollectionItem",
    "Comment",
    "CommentReport",
    "CommentVote",
    "Follow",
    "Notification",
    "PendingSubmission",
    "Upvote",
    "User",
]
