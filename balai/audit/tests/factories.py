import factory

from balai.accounts.models import User, UserKind


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@contoh.example")
    full_name = factory.Sequence(lambda n: f"Pengguna {n}")
    kind = UserKind.CITIZEN
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    class Params:
        staff = factory.Trait(kind=UserKind.STAFF)
        platform_admin = factory.Trait(kind=UserKind.STAFF, is_staff=True, is_superuser=True)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save()
