app_name = "my_cases"
urlpatterns: list = []
