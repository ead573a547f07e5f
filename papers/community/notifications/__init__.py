"""Notifications: a reply to your comment, a comment on a paper you submitted or wrote.

``services`` records them (in the transaction that makes the comment visible) and
marks them read; ``emails`` sends the members who chose it one email with what
happened since the last one (batched, with one-click unsubscribe), through the
``notification_emails_send`` task (papers/community/tasks.py).
"""
