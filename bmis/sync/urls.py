from django.urls import path

from bmis.sync.views import exchange, network

app_name = "sync"

urlpatterns = [
    path("enrol", exchange.enrol, name="enrol"),
    path("push", exchange.push, name="push"),
    path("pull", exchange.pull, name="pull"),
    # Headquarters' page of the network, for administrators.
    path("network/", network.network_page, name="network"),
    path("network/<str:code>/code/", network.code_issue, name="code_issue"),
    path("network/<str:code>/revoke/", network.revoke, name="revoke"),
]
