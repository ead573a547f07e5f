"""Keep derived data fresh: a paper's ``has_code`` flag follows its code links."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import CodeLink, Paper


@receiver([post_save, post_delete], sender=CodeLink)
def codelink_changed(sender, instance, **kwargs):
    Paper.objects.filter(pk=instance.paper_id).refresh_has_code()
