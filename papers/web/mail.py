"""Email messages whose long header values go on the wire as they are.

Python's email policies fold header lines at 78 characters; a value with no
space to fold at (a ``List-Unsubscribe`` URL with a signed token) is then
rewritten as RFC 2047 encoded-words (``=?utf-8?q?=3Chttps=3A//...``), which
mail clients do not read as a URL. RFC 5322 allows lines up to 998 characters:
``Email`` sends with that limit, so ``<https://...>`` stays ``<https://...>``.
"""

import email.policy

from django.core.mail import EmailMultiAlternatives

MAX_LINE_LENGTH = 998  # RFC 5322, section 2.1.1


class Email(EmailMultiAlternatives):
    def message(self, *, policy=email.policy.default):
        return super().message(policy=policy.clone(max_line_length=MAX_LINE_LENGTH))
