from decimal import Decimal

import factory

from coursemarket.catalog.tests.factories import SchoolFactory
from coursemarket.promotions.models import PromoCode


class PromoCodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PromoCode

    school = factory.SubFactory(SchoolFactory)
    code = factory.Sequence(lambda n: f"SAVE{n:04d}")
    kind = "percent"
    value = Decimal("20")
