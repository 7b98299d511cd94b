app_name = "kantor_warga"
urlpatterns: list = []
