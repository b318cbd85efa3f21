"""Reference data in Django's admin, for administrators only.

Every save goes through `bmis.reference.services`, which validates and audits it
(`reference.changed`). Rows are never deleted, since records refer to them: deletion is switched
off, and the "Deactivate" action takes its place.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from bmis.accounts.roles import Role
from bmis.reference import services
from bmis.reference.models import Country, RefusalReason, TravelPurpose

NAME_FIELDS = ("name_fr", "name_ht", "name_en", "name_es")


def _is_administrator(request) -> bool:
    user = request.user
    return user.is_authenticated and user.is_active and user.role == Role.ADMIN


class ReferenceForm(forms.ModelForm):
    def clean_code(self):
        code = self.cleaned_data["code"]
        try:
            services.reference_check_code(self._meta.model, code)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["code"]) from None
        return code


class ReferenceAdmin(admin.ModelAdmin):
    form = ReferenceForm
    actions = ["deactivate", "reactivate"]
    list_filter = ["is_active"]
    search_fields = ["code", *NAME_FIELDS]

    def has_module_permission(self, request):
        return _is_administrator(request)

    def has_view_permission(self, request, obj=None):
        return _is_administrator(request)

    def has_add_permission(self, request):
        return _is_administrator(request)

    def has_change_permission(self, request, obj=None):
        return _is_administrator(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        # The code is the key other nodes and records know the row by.
        return ("code",) if obj is not None else ()

    def save_model(self, request, obj, form, change):
        services.reference_item_save(
            actor=request.user, item=obj, adding=not change, request=request
        )

    def delete_model(self, request, obj):
        services.reference_item_set_active(
            actor=request.user, item=obj, active=False, request=request
        )

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    def _set_active(self, request, queryset, active: bool) -> int:
        changed = 0
        for obj in queryset:
            outcome = services.reference_item_set_active(
                actor=request.user, item=obj, active=active, request=request
            )
            changed += outcome == "updated"
        return changed

    @admin.action(description=_("Deactivate the selected rows"))
    def deactivate(self, request, queryset):
        changed = self._set_active(request, queryset, active=False)
        self.message_user(
            request,
            ngettext("%(count)d row deactivated.", "%(count)d rows deactivated.", changed)
            % {"count": changed},
            messages.SUCCESS,
        )

    @admin.action(description=_("Reactivate the selected rows"))
    def reactivate(self, request, queryset):
        changed = self._set_active(request, queryset, active=True)
        self.message_user(
            request,
            ngettext("%(count)d row reactivated.", "%(count)d rows reactivated.", changed)
            % {"count": changed},
            messages.SUCCESS,
        )


@admin.register(Country)
class CountryAdmin(ReferenceAdmin):
    list_display = ["code", *NAME_FIELDS, "kind", "iso_alpha2", "is_active"]
    list_filter = ["kind", "is_active"]
    fields = ["code", "kind", "iso_alpha2", "iso_alpha3", *NAME_FIELDS, "is_active"]


@admin.register(RefusalReason)
class RefusalReasonAdmin(ReferenceAdmin):
    list_display = ["code", "order", *NAME_FIELDS, "is_active"]
    fields = ["code", "order", *NAME_FIELDS, "is_active"]


@admin.register(TravelPurpose)
class TravelPurposeAdmin(ReferenceAdmin):
    list_display = ["code", "order", *NAME_FIELDS, "is_active"]
    fields = ["code", "order", *NAME_FIELDS, "is_active"]
