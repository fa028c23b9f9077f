"""factory_boy factories for the portal's models."""

from datetime import timedelta
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from portal.models import User
from programs.models import Criterion, Program, ProgramStatus

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.kz")
    full_name = factory.Faker("name")
    preferred_language = "en"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        if create:
            obj.save()
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)

    class Params:
        staff = factory.Trait(is_staff=True)


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    name = factory.Sequence(lambda n: f"Program {n}")
    slug = factory.Sequence(lambda n: f"program-{n}")
    currency = "KZT"
    total_budget = Decimal("1000000000")
    max_amount_per_project = Decimal("20000000")
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=10))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=10))
    status = ProgramStatus.OPEN

    class Params:
        closed = factory.Trait(
            opens_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=30)),
            closes_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=1)),
        )
        draft = factory.Trait(status=ProgramStatus.DRAFT)


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    program = factory.SubFactory(ProgramFactory)
    name = factory.Sequence(lambda n: f"Criterion {n}")
    weight = Decimal("1")
