from django.urls import path

from cchc.dossiers import views

app_name = "dossiers"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("intake/", views.intake, name="intake"),
    path(
        "intake/application-form/",
        views.intake_application_form,
        name="intake_application_form",
    ),
    path("leader/", views.leader, name="leader"),
    path("reassign/", views.reassign, name="reassign"),
    path("handover-list/", views.handover_list, name="handover_list"),
    path("handover-batches/", views.handover_batches, name="handover_batches"),
    path("blocks/", views.blocks, name="blocks"),
    path("blocks/<int:pk>/lift/", views.block_lift, name="block_lift"),
    path("handover-batches/<int:pk>/", views.handover_batch, name="handover_batch"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/receipt/", views.receipt, name="receipt"),
    path("<str:code>/result.pdf", views.result_file, name="result_file"),
    path("<str:code>/<slug:action>/", views.action, name="action"),
]
