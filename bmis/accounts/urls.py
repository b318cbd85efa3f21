from django.urls import path

from bmis.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change_view, name="password_change"),
    path("profile/", views.profile_view, name="profile"),
    path("language/", views.set_language_view, name="language"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<uuid:user_id>/", views.user_detail, name="user_detail"),
    path("users/<uuid:user_id>/password/", views.user_reset_password, name="user_reset_password"),
    path("users/<uuid:user_id>/unlock/", views.user_unlock, name="user_unlock"),
]
