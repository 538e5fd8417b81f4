import pytest
from django.utils import translation

from coursemarket.catalog.demo import seed
from coursemarket.catalog.models import Category, Skill
from coursemarket.catalog.services import skills_from_tags
from coursemarket.catalog.taxonomy import normalise_skill


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Python", ("Python", "python")),
        ("  python3 ", ("Python", "python")),
        ("JS", ("Javascript", "javascript")),
        ("Machine   Learning.", ("Machine learning", "machine-learning")),
        ("#Cerámica", ("Cerámica", "ceramica")),
    ],
)
def test_free_tags_normalise_onto_one_vocabulary_entry(raw, expected):
    assert normalise_skill(raw) == expected


@pytest.mark.django_db
def test_tags_with_different_spellings_share_a_skill():
    skills = skills_from_tags(tags=["Python", "python3", "py", "Data cleaning", "data  cleaning"])
    assert sorted(s.slug for s in skills) == ["data-cleaning", "python"]
    assert Skill.objects.count() == 2


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
