import pytest
from django.utils import translation

from coursemarket.catalog.models import Category
from coursemarket.demo.categories import seed


@pytest.mark.django_db
def test_category_tree_is_seeded_once_with_every_language():
    seed()
    count = Category.objects.count()
    seed()
    assert Category.objects.count() == count > 30
    spanish = Category.objects.get(slug="spanish")
    assert spanish.parent.slug == "languages"
    for language, name in {"en": "Spanish", "es": "Español", "ar": "الإسبانية"}.items():
        with translation.override(language):
            assert str(Category.objects.get(slug="spanish")) == name
