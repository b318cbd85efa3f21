from django.urls import path

from bmis.sync import views

app_name = "sync"

urlpatterns = [
    path("enrol", views.enrol, name="enrol"),
    path("push", views.push, name="push"),
    path("pull", views.pull, name="pull"),
]
