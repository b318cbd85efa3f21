from django.urls import path

from bmis.sync import network_views, views

app_name = "sync"

urlpatterns = [
    path("enrol", views.enrol, name="enrol"),
    path("push", views.push, name="push"),
    path("pull", views.pull, name="pull"),
    # Headquarters' page of the network, for administrators.
    path("network/", network_views.network_page, name="network"),
    path("network/<str:code>/code/", network_views.code_issue, name="code_issue"),
    path("network/<str:code>/revoke/", network_views.revoke, name="revoke"),
]
