from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("thu-tuc/", views.catalog, name="catalog"),
    path("thu-tuc/<str:code>/", views.procedure_detail, name="procedure"),
    path("nop/<str:code>/", views.submit, name="submit"),
    path("bien-nhan/<str:code>/", views.receipt, name="receipt"),
    path("tra-cuu/", views.lookup, name="lookup"),
    path("danh-gia/<str:code>/", views.rate, name="rate"),
    path("ho-so-cua-toi/", views.my_dossiers, name="my_dossiers"),
    path("kho-du-lieu/", views.my_store, name="my_store"),
    path("kho-du-lieu/tai/", views.my_store_download, name="my_store_download"),
    path("ho-so-cua-toi/<str:code>/", views.my_dossier, name="my_dossier"),
    path("ho-so-cua-toi/<str:code>/bo-sung/", views.my_supplement, name="my_supplement"),
    path("ho-so-cua-toi/<str:code>/danh-gia/", views.my_rate, name="my_rate"),
    path("ho-so-cua-toi/<str:code>/uy-quyen/", views.my_proxy, name="my_proxy"),
    path("ho-so-cua-toi/<str:code>/rut/", views.my_close, {"what": "withdraw"}, name="my_withdraw"),
    path("ho-so-cua-toi/<str:code>/dung/", views.my_close, {"what": "stop"}, name="my_stop"),
    path("ho-so-cua-toi/<str:code>/ket-qua/", views.my_result, name="my_result"),
    path("phan-anh/", views.petition, name="petition"),
    path("phan-anh/tra-cuu/", views.petition_lookup, name="petition_lookup"),
    path("phan-anh/don-vi/", views.petition_staff_list, name="petition_staff"),
]
