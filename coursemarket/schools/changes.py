"""Telling the apps above schools that what they show about schools changed.

A school's name, badge and tagline, its instructors, locations and rooms show
on pages that other apps own (catalog's listing and course pages, which it
caches). Schools sits below them and never imports them: an app that shows
school data subscribes a function, once, in its AppConfig.ready():

    school_changes.subscribe(catalog_changed)

Schools' services call `school_changes.changed()` inside the transaction of
the change; a subscriber that caches defers its work to the commit.
"""

from __future__ import annotations

from collections.abc import Callable

Listener = Callable[[], object]


class SchoolChanges:
    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> None:
        """Add `listener`; subscribing the same function again changes nothing."""
        if all(existing is not listener for existing in self._listeners):
            self._listeners.append(listener)

    def changed(self) -> None:
        """Something many pages show about a school changed."""
        for listener in self._listeners:
            listener()


school_changes = SchoolChanges()


SchoolListener = Callable[[int], object]


class SchoolTexts:
    """Words a school's courses are found by changed: the school's name, a
    location's city, an instructor's name (catalog's search index subscribes).
    Called with the school's id inside the transaction of the change."""

    def __init__(self) -> None:
        self._listeners: list[SchoolListener] = []

    def subscribe(self, listener: SchoolListener) -> None:
        if all(existing is not listener for existing in self._listeners):
            self._listeners.append(listener)

    def changed(self, school_id: int) -> None:
        for listener in self._listeners:
            listener(school_id)


school_texts = SchoolTexts()
