"""The digest's sign-up form."""

from django import forms

from papers.core.models import Topic

from .models import Subscription


class SubscribeForm(forms.Form):
    """The email digest: an address, daily or weekly, and optionally some topics."""

    email = forms.EmailField(
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "placeholder": "you@example.org"}),
    )
    frequency = forms.ChoiceField(
        choices=Subscription.Frequency.choices,
        initial=Subscription.Frequency.DAILY,
        widget=forms.RadioSelect,
    )
    topics = forms.ModelMultipleChoiceField(
        queryset=Topic.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked for papers on every topic.",
        error_messages={"invalid_choice": "There is no topic %(value)s."},
    )
