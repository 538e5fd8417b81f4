from django.forms.renderers import DjangoTemplates


class SiteFormRenderer(DjangoTemplates):
    """Every form renders through the design system's templates: labels, help
    text, inline errors tied to their fields with aria-describedby."""

    form_template_name = "web/forms/form.html"
    field_template_name = "web/forms/field.html"
