"""The search index cuts Japanese text into character pairs and folds width
forms (catalog.search.normalise): documents written before read differently,
so a database that already has courses is indexed again once."""

from django.db import migrations


def reindex(apps, schema_editor):  # type: ignore[no-untyped-def]
    if not apps.get_model("catalog", "Course").objects.exists():
        return  # a new database: nothing indexed yet
    from coursemarket.catalog.search.index import rebuild

    rebuild()


class Migration(migrations.Migration):
    dependencies = [("catalog", "0012_translation_fingerprints")]

    operations = [migrations.RunPython(reindex, migrations.RunPython.noop)]
