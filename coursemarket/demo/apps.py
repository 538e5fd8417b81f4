from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo marketplace (`manage.py seed_demo`). It depends on every domain
    app and no app depends on it: the demo's content lives in `data/` (JSON and
    CSV) and the modules here turn it into rows through the domains' services."""

    name = "coursemarket.demo"
    label = "demo"
