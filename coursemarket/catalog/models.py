from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from parler.models import TranslatableModel, TranslatedFields


class Category(TranslatableModel):
    """A node of the platform's topic tree (Languages › Spanish). Names are
    translated by the platform, in every supported language."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    icon = models.CharField(
        _("icon"), max_length=40, blank=True, help_text=_("A Bootstrap Icons name, e.g. 'translate'.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_featured = models.BooleanField(_("featured on the home page"), default=False)

    translations = TranslatedFields(
        name=models.CharField(_("name"), max_length=100),
        description=models.CharField(_("description"), max_length=300, blank=True),
    )

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return str(self.safe_translation_getter("name", any_language=True) or self.slug)


class Skill(models.Model):
    """A skill from the shared vocabulary. Schools type free tags; they are
    normalised (see taxonomy.normalise_skill) onto one Skill each."""

    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
