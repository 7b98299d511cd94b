from django.contrib.auth.backends import ModelBackend


class EmailOrPhoneBackend(ModelBackend):
    pass
