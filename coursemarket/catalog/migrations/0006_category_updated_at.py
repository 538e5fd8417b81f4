import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    """Categories say when they last changed (the sitemap's lastmod); existing
    ones count from now."""

    dependencies = [
        ("catalog", "0005_page_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="category",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, default=django.utils.timezone.now, verbose_name="updated at"),
            preserve_default=False,
        ),
    ]
