from django.urls import path

from cchc.floor import views

app_name = "floor"
urlpatterns = [
    path("", views.index, name="index"),
    path("lay-so/<int:unit_id>/", views.kiosk, name="kiosk"),
    path("lay-so/<int:unit_id>/dat-lich/", views.book, name="book"),
    path("lay-so/<int:unit_id>/check-in/", views.check_in, name="check_in"),
    path("so/<str:token>/", views.ticket, name="ticket"),
    path("quay/<int:pk>/", views.counter, name="counter"),
    path("quay/<int:pk>/<str:action>/", views.counter_action, name="counter_action"),
    path("goi/<int:ticket_id>.wav", views.announce, name="announce"),
    path("bang/<int:unit_id>/", views.board, name="board"),
    path("danh-gia/<int:counter_id>/", views.tablet, name="tablet"),
    path("tra-cuu/", views.lookup, name="lookup"),
    path("so-lieu/", views.figures, name="figures"),
    path("quan-ly/", views.manage_index, name="manage_index"),
    path("quan-ly/<int:unit_id>/", views.manage, name="manage"),
    path("quan-ly/<int:unit_id>/gio-lam-viec/", views.manage_hours, name="manage_hours"),
    path("quan-ly/quay/<int:pk>/", views.manage_counter, name="manage_counter"),
    path(
        "quan-ly/quay/<int:pk>/hoat-dong/",
        views.manage_counter_active,
        name="manage_counter_active",
    ),
]
