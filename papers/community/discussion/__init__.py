"""The discussion under each paper: comments, one level of replies, votes, moderation.

``services`` writes (every change of what everyone sees moves ``Paper.comment_count``
by ``F()`` in the same transaction), ``selectors`` reads (a paper's threads in a
constant number of queries), ``forms`` checks what members type, ``feeds`` is the
Atom feed of a paper's discussion.
"""
