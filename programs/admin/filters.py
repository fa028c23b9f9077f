"""List filters shared by the programs admin classes."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from programs.roles import REVIEWERS
from programs.start_page import QueueState


class ReviewerListFilter(admin.RelatedFieldListFilter):
    """A filter on a reviewer that lists the Reviewers group, not every account.

    Django's related filter offers every row of the related model: on a user
    foreign key that is every founder too (thousands of names in the sidebar,
    and e-mail addresses shown to whoever opens the list).
    """

    def field_choices(self, field, request, model_admin):
        ordering = self.field_admin_ordering(field, request, model_admin)
        return field.get_choices(
            include_blank=False,
            limit_choices_to={"groups__name": REVIEWERS},
            ordering=ordering,
        )


class QueueStateFilter(admin.SimpleListFilter):
    """To do, in progress or submitted, on a queryset annotated with `queue_state`."""

    title = _("queue")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [(str(value), label) for value, label in QueueState.choices]

    def queryset(self, request, queryset):
        if self.value() in {str(value) for value in QueueState.values}:
            return queryset.filter(queue_state=int(self.value()))
        return queryset
