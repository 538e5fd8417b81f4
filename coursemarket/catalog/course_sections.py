"""Sections of the public course page that apps above catalog fill
(recommendations: "Students who booked this also booked", "Similar courses").

Catalog never imports those apps. Each registers, once in its
`AppConfig.ready()`, a function of the course's slug and the request that
gives its template's context, or None when it has nothing to show (see
`schools.sections.PageSections`, whose registry this is):

    course_page_sections.register(course_blocks, template="recommendations/includes/course_blocks.html", order=10)

The sections are rendered for every request, after the page's shared parts
(catalog.views.course_detail); an anonymous visitor's whole page is still
kept in the page cache (catalog.pagecache.cached_for_anonymous), so a
section must show nothing personal to anonymous visitors.
"""

from __future__ import annotations

from coursemarket.schools.sections import PageSections

course_page_sections: PageSections[str] = PageSections("course page")
