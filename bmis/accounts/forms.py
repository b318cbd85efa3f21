from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from bmis.accounts.models import User
from bmis.accounts.roles import Role
from bmis.accounts.services import check_role_and_post
from bmis.posts.models import Post


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class NewPasswordMixin(forms.Form):
    """Two password fields that must match and pass the password rules."""

    new_password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters; not only digits; not a common password."),
    )
    new_password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    password_user: User | None = None

    def clean_new_password2(self):
        first = self.cleaned_data.get("new_password1")
        second = self.cleaned_data.get("new_password2")
        if first and second and first != second:
            raise forms.ValidationError(_("The two passwords are not the same."))
        if second:
            password_validation.validate_password(second, self.password_user)
        return second


class PasswordChangeForm(NewPasswordMixin):
    old_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    field_order = ["old_password", "new_password1", "new_password2"]

    def __init__(self, user: User, *args, **kwargs):
        self.password_user = user
        super().__init__(*args, **kwargs)

    def clean_old_password(self):
        old = self.cleaned_data["old_password"]
        if not self.password_user.check_password(old):
            raise forms.ValidationError(_("Your current password is not correct."))
        return old


class PasswordResetForm(NewPasswordMixin):
    def __init__(self, user: User, *args, **kwargs):
        self.password_user = user
        super().__init__(*args, **kwargs)


class UserForm(forms.ModelForm):
    post = forms.ModelChoiceField(
        label=_("Post"),
        queryset=Post.objects.active(),
        required=False,
        empty_label=_("None (headquarters)"),
        to_field_name="code",
    )

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "role", "post", "language"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_name"].required = True
        self.fields["last_name"].required = True
        if self.instance.post_id:
            # The post is chosen by its code; the instance knows it by its key.
            self.initial["post"] = self.instance.post.code
        if not self.instance._state.adding:
            self.fields["is_active"] = forms.BooleanField(
                label=_("Active (may sign in)"), required=False, initial=self.instance.is_active
            )

    def clean(self):
        data = super().clean()
        if "role" in data and "post" in data:
            # The service's own rule, shown on the field before the database's constraint.
            try:
                check_role_and_post(data["role"], data["post"])
            except forms.ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    self.add_error(field, errors)
        return data


class UserCreateForm(UserForm, NewPasswordMixin):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("Temporary password")
        self.fields["new_password2"].label = _("Temporary password again")

    def clean_new_password2(self):
        self.password_user = User(
            username=self.cleaned_data.get("username", ""),
            first_name=self.cleaned_data.get("first_name", ""),
            last_name=self.cleaned_data.get("last_name", ""),
        )
        return super().clean_new_password2()


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or username"), required=False, max_length=100)
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("All roles")), *Role.choices]
    )
    post = forms.ModelChoiceField(
        label=_("Post"),
        queryset=Post.objects.all(),
        required=False,
        empty_label=_("All posts"),
        to_field_name="code",
    )
    active = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("All")), ("yes", _("Active")), ("no", _("Deactivated"))],
    )


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)
    next = forms.CharField(required=False, max_length=2000)
