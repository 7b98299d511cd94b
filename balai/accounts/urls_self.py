app_name = "saya"
urlpatterns: list = []
