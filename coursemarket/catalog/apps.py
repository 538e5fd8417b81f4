from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "coursemarket.catalog"
    label = "catalog"
    verbose_name = _("Catalog")

    def ready(self) -> None:
        from coursemarket.schools.changes import school_changes, school_texts
        from coursemarket.schools.checklist import checklist_steps
        from coursemarket.schools.sections import shared_pieces

        from .activity_pages import register_activity_pages
        from .checklist import course_steps
        from .pagecache import catalog_changed, share_pieces
        from .public_sections import register_sections
        from .search.index import reindex_school

        checklist_steps.register(course_steps, order=50)  # after locations and instructors, before the team
        register_sections()  # the school page's courses, the instructor page's courses and history
        # Course pages and listings show schools, instructors and places: a change
        # to one gives every cached catalog page a new version.
        school_changes.subscribe(catalog_changed)
        # ...and its courses are found by the school's name, cities and instructors.
        school_texts.subscribe(reindex_school)
        # ...and the school's and instructor's own pieces of their pages are shared
        # between anonymous visitors under those versions.
        shared_pieces.use(share_pieces)
        # Searches and course views go to the activity log (recorded outside the page cache).
        register_activity_pages()
