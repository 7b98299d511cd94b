from django.urls import path

from balai.taxes.views import public

app_name = "tax_check"

urlpatterns = [path("", public.check, name="check")]
