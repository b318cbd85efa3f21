from django.urls import path

from bmis.sync.views import attachments, exchange, network

app_name = "sync"

urlpatterns = [
    path("enrol", exchange.enrol, name="enrol"),
    path("push", exchange.push, name="push"),
    path("pull", exchange.pull, name="pull"),
    # A record's attachments, beside it (bmis.sync.attachments).
    path("attachments/lacking", attachments.lacking, name="attachments_lacking"),
    path("attachments/send", attachments.send, name="attachments_send"),
    path("attachments/fetch", attachments.fetch, name="attachments_fetch"),
    # Headquarters' page of the network, for administrators.
    path("network/", network.network_page, name="network"),
    path("network/<str:code>/code/", network.code_issue, name="code_issue"),
    path("network/<str:code>/revoke/", network.revoke, name="revoke"),
]
