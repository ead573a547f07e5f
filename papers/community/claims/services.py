"""Writes of author claims. Keyword-only functions named ``<noun>_<verb>``."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from papers.core import derived
from papers.core.models import Author

from ..models import AuthorClaim


class ClaimRefused(ValueError):
    """A claim the site does not accept or cannot approve; the message says why."""


def claim_request(*, user, author: Author, note: str, orcid: str = "") -> AuthorClaim:
    if author.user_id == user.pk:
        raise ClaimRefused("This author page is already yours.")
    if author.user_id is not None:
        raise ClaimRefused("Another member has claimed this author page. Write to the staff.")
    if Author.objects.filter(user=user).exists():
        raise ClaimRefused("Your account is already linked to an author page.")
    try:
        with transaction.atomic():
            return AuthorClaim.objects.create(
                author=author, user=user, note=note.strip(), orcid=orcid
            )
    except IntegrityError:
        raise ClaimRefused("You asked for this author page already: staff will answer.") from None


def claim_approve(*, claim: AuthorClaim, staff) -> None:
    """Link the author page to the member (and record the ORCID iD if the page has none)."""
    with transaction.atomic():
        author = Author.objects.select_for_update().get(pk=claim.author_id)
        if claim.status != AuthorClaim.Status.PENDING:
            raise ClaimRefused(f"{claim}: already {claim.get_status_display().lower()}.")
        if author.user_id not in (None, claim.user_id):
            raise ClaimRefused(f"{author} is already claimed by another member.")
        other = Author.objects.filter(user_id=claim.user_id).exclude(pk=author.pk).first()
        if other is not None:
            raise ClaimRefused(f"{claim.user} is already linked to the author page {other}.")
        fields = {"user_id": claim.user_id, "updated_at": timezone.now()}
        if claim.orcid and not author.orcid:
            if Author.objects.filter(orcid=claim.orcid).exclude(pk=author.pk).exists():
                raise ClaimRefused(f"The ORCID iD {claim.orcid} belongs to another author page.")
            fields["orcid"] = claim.orcid
        Author.objects.filter(pk=author.pk).update(**fields)
        AuthorClaim.objects.filter(pk=claim.pk).update(
            status=AuthorClaim.Status.APPROVED, decided_at=timezone.now(), decided_by=staff
        )
        # Other members' pending claims on this page can no longer be approved.
        AuthorClaim.objects.filter(author=author, status=AuthorClaim.Status.PENDING).exclude(
            pk=claim.pk
        ).update(status=AuthorClaim.Status.REJECTED, decided_at=timezone.now(), decided_by=staff)
        derived.papers_changed(paper_ids=[])  # the author page and the Author badges


def claim_reject(*, claim: AuthorClaim, staff) -> bool:
    return bool(
        AuthorClaim.objects.filter(pk=claim.pk, status=AuthorClaim.Status.PENDING).update(
            status=AuthorClaim.Status.REJECTED, decided_at=timezone.now(), decided_by=staff
        )
    )


def author_page_update(*, author: Author, user, affiliation: str, homepage: str) -> Author:
    """The member who claimed ``author`` fixes the page's affiliation and homepage."""
    if author.user_id != user.pk:
        raise ClaimRefused("Only the member who claimed this author page can edit it.")
    with transaction.atomic():
        Author.objects.filter(pk=author.pk).update(
            affiliation=affiliation.strip(), homepage=homepage.strip(), updated_at=timezone.now()
        )
        derived.papers_changed(paper_ids=[])  # pages and cards that show the author
    author.affiliation, author.homepage = affiliation.strip(), homepage.strip()
    return author
