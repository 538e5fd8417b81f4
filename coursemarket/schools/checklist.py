"""The "Getting started" checklist on a school's overview.

Schools knows its own first steps (profile, logo, locations, instructors,
team). Steps about things that live in apps above schools (a first course,
a published course) come from those apps: each registers, once in its
`AppConfig.ready()`, a function that gives its steps for a school; schools
never imports them.

    checklist_steps.register(course_steps, order=50)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise

from .models import School
from .permissions import Perm


@dataclass(frozen=True)
class ChecklistStep:
    label: str | Promise
    done: bool
    perm: Perm  # who sees the step: those who can take it
    url_name: str  # where to take it; a URL name that takes the school's `slug`


StepsFor = Callable[[School], list[ChecklistStep]]


class ChecklistSteps:
    """Functions that give steps, kept in `order` (smaller first)."""

    def __init__(self) -> None:
        self._entries: list[tuple[int, StepsFor]] = []

    def register(self, steps_for: StepsFor, *, order: int) -> None:
        """Add `steps_for`; registering the same function again changes nothing."""
        if all(existing is not steps_for for _order, existing in self._entries):
            self._entries.append((order, steps_for))
            self._entries.sort(key=lambda entry: entry[0])

    def entries(self) -> list[tuple[int, StepsFor]]:
        return list(self._entries)


checklist_steps = ChecklistSteps()


def school_checklist(*, school: School, own_steps: list[tuple[int, ChecklistStep]]) -> list[ChecklistStep]:
    """Schools' own steps (each with its order) and the registered apps' steps, in order."""
    ordered = list(own_steps)
    for order, steps_for in checklist_steps.entries():
        ordered.extend((order, step) for step in steps_for(school))
    return [step for _order, step in sorted(ordered, key=lambda entry: entry[0])]  # stable: ties keep their order
