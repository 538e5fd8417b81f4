import pytest

from coursemarket.catalog.models import Skill
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
