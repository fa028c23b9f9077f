from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from portal.money import format_money
from startups.models import Application, ApplicationStatusChange, Invitation, Membership, Startup


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    readonly_fields = ["joined_at"]


@admin.register(Startup)
class StartupAdmin(admin.ModelAdmin):
    # The founders' pages are for the team only (and an invitation's page
    # would show its token): no "view on site" link for staff.
    view_on_site = False
    list_display = ["name", "country", "region", "sector", "stage", "team_size", "created_at"]
    list_filter = ["country", "region", "sector", "stage"]
    search_fields = ["name", "bin", "registration_number", "memberships__user__email"]
    inlines = [MembershipInline]
    readonly_fields = ["created_by", "created_at", "updated_at"]
    show_full_result_count = False

    def get_search_fields(self, request):
        # Staff who may not open startups (a reviewer declaring a conflict in
        # advance, through autocomplete) find one by its name only: a search by
        # a founder's address or a BIN would tell them whose company it is.
        if self.has_view_permission(request):
            return self.search_fields
        return ["name"]


class StatusChangeInline(admin.TabularInline):
    model = ApplicationStatusChange
    extra = 0
    can_delete = False
    fields = ["at", "from_status", "to_status", "actor", "note_text"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("note"))
    def note_text(self, obj):
        # The portal's coded note in the reader's language, then the person's own.
        return obj.note_display


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    # The founders' pages are for the team only (and an invitation's page
    # would show its token): no "view on site" link for staff.
    view_on_site = False
    list_display = ["startup", "program", "status", "amount_display", "submitted_at"]
    list_filter = ["program", "status", "startup__sector", "startup__region", "publish_consent"]
    # The application's number is its id: a term that is not a number skips it.
    search_fields = ["startup__name", "startup__bin", "id__exact"]
    list_select_related = ["startup", "program"]
    inlines = [StatusChangeInline]
    show_full_result_count = False
    readonly_fields = [
        "startup",
        "program",
        "status",
        "version",
        "submitted_at",
        "created_by",
        "updated_by",
        "created_at",
        "updated_at",
        "pitch_deck_name",
        # The team's own choice: staff read it, never change it.
        "one_line_pitch",
        "publish_consent",
    ]
    exclude = ["pitch_deck"]

    @admin.display(description=_("requested amount"), ordering="requested_amount")
    def amount_display(self, obj):
        return format_money(obj.requested_amount, obj.program.currency)

    def has_add_permission(self, request):
        return False


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    # The founders' pages are for the team only (and an invitation's page
    # would show its token): no "view on site" link for staff.
    view_on_site = False
    list_display = ["email", "startup", "created_at", "expires_at", "accepted_at", "revoked_at"]
    list_select_related = ["startup"]
    search_fields = ["email", "startup__name"]
    autocomplete_fields = ["startup"]
    exclude = ["token"]
    readonly_fields = ["accepted_at", "accepted_by", "invited_by"]
