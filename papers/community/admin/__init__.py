"""Admin for the members' side, one module per concern: accounts and upvotes, the
submission queue, the discussion's moderation, author claims, collections."""

from . import claims, collections, discussion, members, submissions

__all__ = ["claims", "collections", "discussion", "members", "submissions"]
