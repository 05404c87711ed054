import factory
from factory.django import DjangoModelFactory

from .models import Organisation, Setting


class OrganisationFactory(DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Organisation {n}")
    setting = factory.LazyFunction(lambda: Setting.objects.get(slug="care-homes"))
    locality = factory.Faker("city")
    website = factory.LazyAttribute(lambda o: f"https://{o.name.lower().replace(' ', '')}.example.org")

    class Meta:
        model = Organisation
        django_get_or_create = ("name",)
