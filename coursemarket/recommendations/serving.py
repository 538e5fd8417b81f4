"""Recommendations inside the request: the latest snapshot, the student's
history read live (so a booking or completion changes the next page), a
re-score, the rules, and one true reason per course.

Rules, always applied after scoring (`eligible`): never a course the student
booked, completed or dismissed; only published courses with a bookable
session (scheduled, open for booking, a seat left) starting in the next 60
days; in the student's languages when they chose some; online or within
their radius when they chose a home city; at most two courses per school.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from django.core.cache import cache
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext

from coursemarket.catalog.models import Course, CourseStatus, Session, SessionStatus
from coursemarket.catalog.selectors import attach_texts, category_nodes, with_texts

from . import training
from .models import Dismissal, Interests, ModelSnapshot
from .signals import histories, signal_sources

HORIZON = timedelta(days=60)
PER_SCHOOL = 2
CANDIDATES = 200
SNAPSHOT_SECONDS = 300

_loaded: tuple[int, training.Trained, dict[int, int]] | None = None


def snapshot_id() -> int:
    """The newest snapshot's id (0: none yet), cached: no query once known."""
    found = cache.get(training.SNAPSHOT_KEY)
    if found is None:
        found = ModelSnapshot.objects.order_by("-created_at", "-id").values_list("id", flat=True).first() or 0
        cache.set(training.SNAPSHOT_KEY, found, SNAPSHOT_SECONDS)
    return int(found)


def current_model() -> tuple[training.Trained, dict[int, int]] | None:
    """The newest snapshot, loaded once per process (its id is cached, so a
    request costs no query once it is known)."""
    global _loaded
    current = snapshot_id()
    if not current:
        return None
    if _loaded is None or _loaded[0] != current:
        payload = ModelSnapshot.objects.filter(id=current).values_list("payload", flat=True).first()
        if payload is None:
            cache.delete(training.SNAPSHOT_KEY)
            return None
        trained = training.loads(bytes(payload))
        _loaded = (current, trained, {int(c): i for i, c in enumerate(trained.course_ids)})
    return _loaded[1], _loaded[2]


@dataclass
class Recommendation:
    course: Course
    session: Session  # the next bookable session (the card shows it)
    reason: str
    cites: int | None = None  # the course of the student's history the reason names
    km: float | None = None


# ------------------------------------------------------------------ scoring


def _row_max(v: np.ndarray) -> np.ndarray:
    top = float(v.max()) if v.size else 0.0
    return v / top if top > 0 else v


def score_history(
    trained: training.Trained, index: dict[int, int], history: Sequence[int]
) -> tuple[np.ndarray, np.ndarray]:
    """Scores for every course of the snapshot, and for each course which
    history course contributed most (-1: none). Same formula as the offline
    model: recency-weighted history times next-course and EASE matrices."""
    n = len(trained.course_ids)
    rows = [index[c] for c in history if c in index][-training.engine.MEMORY :]
    if not rows or n == 0:
        return np.zeros(n, np.float32), np.full(n, -1, np.int64)
    recency = float(training.engine.TUNED["recency"])
    weights = np.power(recency, np.arange(len(rows) - 1, -1, -1, dtype=np.float64)).astype(np.float32)
    nxt = trained.next[rows].toarray() * weights[:, None]
    ease = trained.ease[rows].toarray() * weights[:, None]
    beta = float(training.engine.TUNED["beta"])
    total = beta * _row_max(nxt.sum(axis=0)) + (1 - beta) * _row_max(ease.sum(axis=0))
    contrib = nxt / max(float(nxt.sum(axis=0).max()), 1e-9) + ease / max(float(ease.sum(axis=0).max()), 1e-9)
    best = np.where(contrib.max(axis=0) > 0, contrib.argmax(axis=0), -1)
    cited = np.array([rows[b] if b >= 0 else -1 for b in best], dtype=np.int64)
    return total.astype(np.float32), cited


# ------------------------------------------------------------------ rules


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


def eligible(
    course_ids: Sequence[int],
    *,
    interests: Interests | None = None,
    city: str = "",
    now: datetime | None = None,
    exclude: Iterable[int] = (),
) -> dict[int, tuple[Session, float | None]]:
    """For each course that passes the rules (in one query), its next
    bookable session and, for a session in a place, its distance."""
    now = now or timezone.now()
    excluded = set(exclude)
    wanted = [c for c in course_ids if c not in excluded]
    if not wanted:
        return {}
    sessions = (
        Session.objects.filter(
            course_id__in=wanted,
            course__status=CourseStatus.PUBLISHED,
            status=SessionStatus.SCHEDULED,
            starts_at__gt=now,
            starts_at__lte=now + HORIZON,
            seats_taken__lt=F("capacity"),
        )
        .filter(Q(booking_deadline__isnull=True) | Q(booking_deadline__gt=now))
        .select_related("location")
        .order_by("starts_at", "id")
    )
    if interests is not None and interests.languages:
        sessions = sessions.filter(course__teaching_language__in=interests.languages)
    if city:
        sessions = sessions.filter(Q(is_online=True) | Q(location__city__iexact=city))
    near = interests is not None and interests.latitude is not None and interests.longitude is not None
    found: dict[int, tuple[Session, float | None]] = {}
    for session in sessions:
        km = None
        if not session.is_online and session.location is not None and near:
            assert interests is not None and interests.latitude is not None and interests.longitude is not None
            km = _km(
                interests.latitude,
                interests.longitude,
                float(session.location.latitude or 0),
                float(session.location.longitude or 0),
            )
            if km > interests.radius_km:
                continue
        found.setdefault(session.course_id, (session, km))
    return found


def _with_school_cap(ordered: Sequence[int], courses: dict[int, Course], limit: int) -> list[int]:
    per_school: dict[int, int] = {}
    chosen = []
    for course_id in ordered:
        course = courses.get(course_id)
        if course is None:
            continue
        if per_school.get(course.school_id, 0) >= PER_SCHOOL:
            continue
        per_school[course.school_id] = per_school.get(course.school_id, 0) + 1
        chosen.append(course_id)
        if len(chosen) == limit:
            break
    return chosen


def _courses(ids: Iterable[int]) -> dict[int, Course]:
    rows = with_texts(Course.objects.filter(id__in=list(ids)).select_related("school"))
    return {c.id: c for c in attach_texts(rows)}


# ------------------------------------------------------------------ surfaces


def _reason(kind: str, title: str) -> str:
    # The course's own title keeps its direction inside a sentence of another
    # (an English title in an Arabic reason): first-strong isolate ... pop.
    title = f"\u2068{title}\u2069"
    if kind == "completed":
        return gettext("Because you completed “%(title)s”") % {"title": title}
    if kind == "reviewed":
        return gettext("Because you rated “%(title)s” highly") % {"title": title}
    if kind == "saved":
        return gettext("Because you saved “%(title)s”") % {"title": title}
    if kind == "viewed":
        return gettext("Because you looked at “%(title)s”") % {"title": title}
    return gettext("Popular with students who booked “%(title)s”") % {"title": title}


def student_history(user_id: int) -> list[tuple[int, str]]:
    return histories(signal_sources.collect([user_id])).get(user_id, [])


def interests_of(user_id: int) -> Interests | None:
    return Interests.objects.filter(user_id=user_id).prefetch_related("categories").first()


_UNSET: Any = object()


def for_student(
    user: Any,
    *,
    limit: int = 10,
    interests: Interests | None = _UNSET,
    history: list[tuple[int, str]] | None = None,
) -> list[Recommendation]:
    """The student's "For you": their history re-scored against the snapshot,
    interests and popularity where the history says too little; rules; reasons."""
    loaded = current_model()
    history = student_history(user.id) if history is None else history
    interests = interests_of(user.id) if interests is _UNSET else interests
    personal = interests is None or interests.personalised
    dismissed = set(Dismissal.objects.filter(user_id=user.id).values_list("course_id", flat=True))
    seen = {c for c, _kind in history}
    kinds = dict(history)
    exclude = seen | dismissed
    ranked: list[tuple[int, float, int | None]] = []  # course, score, cited history course
    if loaded is not None:
        trained, index = loaded
        ids = trained.course_ids
        if personal and history:
            scores, cited = score_history(trained, index, [c for c, _k in history])
            order = np.argsort(-scores, kind="stable")[:CANDIDATES]
            ranked += [(int(ids[i]), float(scores[i]), int(ids[cited[i]])) for i in order if scores[i] > 0]
        # Interests and popularity fill the rest (cold start; every score above beats them).
        pop_order = np.argsort(-trained.popularity, kind="stable")[:CANDIDATES]
        ranked += [(int(ids[i]), -1.0 + 1e-6 * float(trained.popularity[i]), None) for i in pop_order]
    chosen_topics = {c.id for c in interests.categories.all()} if interests is not None else set()
    nodes = category_nodes() if chosen_topics else {}
    # A chosen topic covers its subcategories: category id -> the topic the student chose.
    topics = {
        node.id: node.id if node.id in chosen_topics else node.parent_id
        for node in nodes.values()
        if node.id in chosen_topics or node.parent_id in chosen_topics
    }
    if topics:
        extra = Course.objects.filter(status=CourseStatus.PUBLISHED, category_id__in=topics).values_list(
            "id", flat=True
        )
        ranked += [(cid, -0.5, None) for cid in extra[:CANDIDATES]]
    best: dict[int, tuple[float, int | None]] = {}
    for cid, score, cite in ranked:
        if cid not in exclude and (cid not in best or score > best[cid][0]):
            best[cid] = (score, cite)
    ok = eligible(list(best), interests=interests, exclude=exclude)
    cited_ids = {cite for cid, (_s, cite) in best.items() if cid in ok and cite is not None}
    courses = _courses(set(ok) | cited_ids)

    # A course in the student's topics ranks first among the non-personal ones.
    def key(cid: int) -> tuple[float, int]:
        score = best[cid][0]
        if score < 0 and courses.get(cid) is not None and courses[cid].category_id in topics:
            score = -0.5
        return (-score, cid)

    ordered = sorted(ok, key=key)
    chosen = _with_school_cap(ordered, courses, limit)
    result = []
    for cid in chosen:
        course = courses[cid]
        session, km = ok[cid]
        cite = best[cid][1]
        if cite is not None and cite in courses and best[cid][0] > 0:
            reason = _reason(kinds.get(cite, "booked"), courses[cite].text.title)  # type: ignore[attr-defined]
        elif course.category_id in topics and topics[course.category_id] in nodes:
            topic = nodes[topics[course.category_id]].name  # type: ignore[index]
            if km is not None:
                reason = gettext("Matches your interest in %(topic)s, %(km)s km away") % {
                    "topic": topic,
                    "km": round(km),
                }
            else:
                reason = gettext("Matches your interest in %(topic)s") % {"topic": topic}
            cite = None
        elif interests is not None and interests.city and km is not None:
            reason = gettext("Popular with students near %(city)s") % {"city": interests.city}
            cite = None
        else:
            reason = gettext("Popular on Coursemarket")
            cite = None
        result.append(Recommendation(course, session, reason, cite, km))
    return result


def popular_near(*, city: str, limit: int = 6) -> list[Recommendation]:
    """The anonymous home page's "Popular near you": the most booked courses
    with a bookable session in `city` (or online)."""
    loaded = current_model()
    if loaded is None:
        return []
    trained, _index = loaded
    order = np.argsort(-trained.popularity, kind="stable")[:CANDIDATES]
    ranked = [int(trained.course_ids[i]) for i in order if trained.popularity[i] > 0]
    ok = eligible(ranked, city="" if city == "online" else city)
    courses = _courses(ok)
    chosen = _with_school_cap([c for c in ranked if c in ok], courses, limit)
    if city and city != "online":
        reason = gettext("Popular with students near %(city)s") % {"city": city}
    else:
        reason = gettext("Popular on Coursemarket")
    return [Recommendation(courses[c], ok[c][0], reason) for c in chosen]


def also_booked(*, course_id: int, limit: int = 4) -> list[Recommendation]:
    """ "Students who booked this also booked": the courses most students have
    together with this one (true co-bookings in the snapshot), by that count."""
    loaded = current_model()
    if loaded is None:
        return []
    trained, index = loaded
    row = index.get(course_id)
    if row is None:
        return []
    co = trained.co[row]
    pairs = sorted(zip(co.indices.tolist(), co.data.tolist(), strict=True), key=lambda p: (-p[1], p[0]))
    ranked = [int(trained.course_ids[i]) for i, count in pairs if count > 0]
    ok = eligible(ranked, exclude=[course_id])
    courses = _courses(ok)
    chosen = _with_school_cap([c for c in ranked if c in ok], courses, limit)
    return [Recommendation(courses[c], ok[c][0], "") for c in chosen]


def similar_courses(*, course: Course, limit: int = 4) -> list[Recommendation]:
    """ "Similar courses": same category, most shared skills first, then the
    same level (content only: a new course shows here before anyone books it)."""
    if course.category_id is None:
        return []
    rows = list(
        Course.objects.filter(status=CourseStatus.PUBLISHED, category_id=course.category_id).values_list(
            "id", "level", "skills"
        )[:2000]
    )
    skills = {skill for cid, _level, skill in rows if cid == course.id and skill is not None}
    shared: dict[int, list[int]] = {}
    for cid, level, skill in rows:
        if cid == course.id:
            continue
        entry = shared.setdefault(cid, [0, int(level == course.level)])
        if skill in skills:
            entry[0] += 1
    ranked = sorted(shared, key=lambda c: (-shared[c][0], -shared[c][1], c))[:CANDIDATES]
    ok = eligible(ranked)
    courses = _courses(ok)
    chosen = _with_school_cap([c for c in ranked if c in ok], courses, limit)
    return [Recommendation(courses[c], ok[c][0], "") for c in chosen]


LEVEL_ORDER = ["beginner", "elementary", "intermediate", "upper_intermediate", "advanced"]


def next_steps(user: Any, *, history: list[tuple[int, str]] | None = None, limit: int = 4) -> list[Recommendation]:
    """ "Your next step" after the student's latest completion: same category,
    ordered by skill progression (the next level up first, then the same
    level, then further up; more shared skills first); the same rules."""
    history = student_history(user.id) if history is None else history
    done = [c for c, kind in history if kind == "completed"]
    if not done:
        return []
    last = Course.objects.filter(id=done[-1]).first()
    if last is None or last.category_id is None:
        return []
    level = LEVEL_ORDER.index(last.level) if last.level in LEVEL_ORDER else -1
    skills = set(last.skills.values_list("id", flat=True))
    rows = Course.objects.filter(status=CourseStatus.PUBLISHED, category_id=last.category_id).values_list(
        "id", "level", "skills"
    )
    info: dict[int, list[Any]] = {}
    for cid, lvl, skill in rows[:2000]:
        entry = info.setdefault(cid, [lvl, 0])
        entry[1] += int(skill in skills)
    dismissed = set(Dismissal.objects.filter(user_id=user.id).values_list("course_id", flat=True))
    exclude = {c for c, _k in history} | dismissed

    def step(cid: int) -> tuple[int, int, int]:
        lvl = LEVEL_ORDER.index(info[cid][0]) if info[cid][0] in LEVEL_ORDER else level
        gap = lvl - level
        rank = 0 if gap == 1 else 1 if gap == 0 else 2 if gap > 1 else 3
        return (rank, -info[cid][1], cid)

    ranked = sorted((c for c in info if c not in exclude), key=step)[:CANDIDATES]
    ok = eligible(ranked, exclude=exclude)
    courses = _courses(set(ok) | {last.id})
    chosen = _with_school_cap([c for c in ranked if c in ok], courses, limit)
    title = courses[last.id].text.title  # type: ignore[attr-defined]
    reason = gettext("Your next step after “%(title)s”") % {"title": f"\u2068{title}\u2069"}
    return [Recommendation(courses[c], ok[c][0], reason, last.id) for c in chosen]
