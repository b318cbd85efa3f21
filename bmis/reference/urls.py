from django.urls import path

from bmis.reference import views

app_name = "reference"
urlpatterns = [
    path("", views.index, name="index"),
]
