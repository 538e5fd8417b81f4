/* School and student calendars on FullCalendar 7 (vendored, global build).
   Config comes from data-* attributes; no inline script (CSP). Drag-and-drop
   posts to the meeting's move endpoint, which runs the server's clash checks;
   a refusal puts the meeting back and lists the clashes with links.
   Each entry reads time and course first, then place, room and instructors.
   Hours follow the page language's clock (data-hour12, data-hour2, from the
   server's CLDR locale), not the browser's guess, and so does the first day
   of the week (data-first-day). Picking a free slot (click, or drag
   across several) opens the "Add a session" dialog with its day and hours;
   the "Add a session" button opens it empty, from the keyboard too. */
(function () {
  "use strict";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text) node.textContent = text;
    return node;
  }

  // The direction of a text's first strong letter: an English course title on an
  // Arabic page reads (and is cut with "…") left to right, the time beside it.
  function direction(text) {
    var first = (text || "").match(/[A-Za-z\u00C0-\u02AF\u0370-\u04FF]|[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/);
    return first && /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/.test(first[0]) ? "rtl" : "ltr";
  }

  function start() {
    var target = document.getElementById("cm-calendar");
    var i18n = document.getElementById("cm-calendar-i18n");
    if (!target || !i18n || !window.FullCalendar) return;
    var t = i18n.dataset;
    var status = document.getElementById("cm-calendar-status");
    var narrow = window.matchMedia("(max-width: 640px)").matches;
    var editable = target.dataset.editable === "1";

    function say(kind, nodes) {
      if (!status) return;
      status.replaceChildren.apply(status, nodes);
      status.className = "calendar-status alert alert-" + kind;
      status.hidden = false;
    }

    function post(url, body) {
      return fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": t.csrf, "Accept": "application/json" },
        body: JSON.stringify(body)
      }).then(function (response) {
        return response.json().catch(function () { return { ok: false }; }).then(function (data) {
          data.status = response.status;
          return data;
        });
      });
    }

    function refused(data, retry) {
      var nodes = [el("p", { "class": "fw-semibold mb-1" }, t.refused + " " + (data.message || t.error))];
      if (data.conflicts && data.conflicts.length) {
        var list = el("ul", { "class": "conflict-list" });
        data.conflicts.forEach(function (c) {
          var item = el("li");
          item.appendChild(el("a", { href: c.url }, c.message));
          list.appendChild(item);
        });
        nodes.push(list);
      }
      if (data.can_override && retry) {
        var form = el("form", { "class": "override-form" });
        var input = el("input", { "class": "form-control form-control-sm", maxlength: "300", required: "", "aria-label": t.overrideLabel, placeholder: t.overrideLabel });
        var button = el("button", { "class": "btn btn-sm btn-danger", type: "submit" }, t.overrideButton);
        form.appendChild(input);
        form.appendChild(button);
        form.addEventListener("submit", function (event) {
          event.preventDefault();
          if (input.value.trim()) retry(input.value.trim());
        });
        nodes.push(form);
      }
      say(data.status === 409 ? "danger" : "warning", nodes);
    }

    // 12-hour: "6pm", "6:30pm"; 24-hour: "18:00", "18:30" (never a bare "18"),
    // "09:00" where the locale pads hours (data-hour2: de, fr, pt-BR, it), "9:00"
    // where it does not (es, ja). Without data-hour12, FullCalendar's own defaults.
    var hour12 = target.dataset.hour12 === "1";
    var hour24 = { hour: target.dataset.hour2 === "0" ? "numeric" : "2-digit", minute: "2-digit", hour12: false };
    var clock = target.dataset.hour12 === undefined ? {} : {
      slotHeaderFormat: hour12
        ? { hour: "numeric", minute: "2-digit", omitZeroMinute: true, meridiem: "short", hour12: true }
        : hour24,
      eventTimeFormat: hour12
        ? { hour: "numeric", minute: "2-digit", meridiem: "short", hour12: true }
        : hour24
    };
    // The first day of the week where the reader's locale is (CLDR: Saturday in ar-EG, Monday in de).
    if (/^[0-6]$/.test(target.dataset.firstDay || "")) clock.firstDay = parseInt(target.dataset.firstDay, 10);

    var dialog = document.getElementById("new-session-dialog");
    var newForm = dialog ? dialog.querySelector("form") : null;

    function plusHour(hhmm) {
      var minutes = parseInt(hhmm.slice(0, 2), 10) * 60 + parseInt(hhmm.slice(3, 5), 10) + 60;
      if (minutes >= 24 * 60) return "";
      function two(n) { return (n < 10 ? "0" : "") + n; }
      return two(Math.floor(minutes / 60)) + ":" + two(minutes % 60);
    }

    // A selection as the form's fields: its day, and its hours unless it is whole days.
    // A single slot (one click) means an hour; a range past midnight keeps only its start.
    function slot(info) {
      var values = { date: info.startStr.slice(0, 10), start: "", end: "" };
      if (info.allDay) return values;
      values.start = info.startStr.slice(11, 16);
      var sameDay = info.endStr.slice(0, 10) === values.date;
      var minutes = (info.end.getTime() - info.start.getTime()) / 60000;
      values.end = minutes <= 30 ? plusHour(values.start) : (sameDay ? info.endStr.slice(11, 16) : "");
      return values;
    }

    function openNewSession(values) {
      if (!dialog || !newForm) return false;
      ["date", "start", "end"].forEach(function (name) { newForm.elements[name].value = values[name] || ""; });
      var course = newForm.elements.course;
      var courses = Array.prototype.filter.call(course.options, function (option) { return option.value; });
      if (values.date && courses.length === 1) {  // nothing to choose: straight to the session editor
        course.value = courses[0].value;
        newForm.submit();
        return true;
      }
      dialog.showModal();
      course.focus();
      return true;
    }

    var calendar = new window.FullCalendar.Calendar(target, Object.assign({
      initialView: narrow ? "listWeek" : (target.dataset.view || "timeGridWeek"),
      initialDate: target.dataset.initialDate || undefined,
      timeZone: target.dataset.zone || "local",
      locale: t.locale,
      direction: t.direction,
      // The "today" button is named by what it shows (WCAG 2.5.3), not by FullCalendar's "This week".
      todayText: t.today,
      todayHint: t.today,
      // The list view's empty week in our words (FullCalendar's own Arabic reads "any events to show").
      noEventsText: t.noEvents,
      headerToolbar: narrow
        ? { start: "prev,next", center: "title", end: "listWeek,timeGridDay" }
        : { start: "prev,next today", center: "title", end: "dayGridMonth,timeGridWeek,timeGridDay,listWeek" },
      height: "auto",
      slotMinTime: "06:00:00",
      slotMaxTime: "23:00:00",
      nowIndicator: true,
      dayMaxEvents: 4,
      editable: editable,
      eventDurationEditable: editable,
      selectable: target.dataset.selectable === "1",
      selectMirror: true,
      select: function (info) {
        if (!openNewSession(slot(info))) calendar.unselect();
      },
      events: { url: target.dataset.events },
      eventContent: function (arg) {
        if (arg.event.display === "background") return true;  // closures: FullCalendar's own
        var p = arg.event.extendedProps || {};
        var type = arg.view.type;
        // Month cells are narrow: one line for time and course, one for the rest, cut with "…".
        var body = el("span", { "class": "cm-event-body" + (type.indexOf("dayGrid") === 0 ? " is-compact" : "") });
        var head = el("span", { "class": "cm-event-head", dir: direction(arg.event.title) });
        // List views show the time in a column of their own.
        if (arg.timeText && type.indexOf("list") !== 0) {
          head.appendChild(el("span", { "class": "cm-event-time", dir: "auto" }, arg.timeText));
          head.appendChild(document.createTextNode(" "));  // a place to wrap between time and course
        }
        head.appendChild(el("span", { "class": "cm-event-title", dir: "auto" }, arg.event.title));
        body.appendChild(head);
        var bits = [p.place, p.instructors, p.ownTime].filter(Boolean);
        if (bits.length) body.appendChild(el("span", { "class": "cm-event-meta", dir: "auto" }, bits.join(" · ")));
        return { domNodes: [body] };
      },
      eventDidMount: function (info) {
        var p = info.event.extendedProps || {};
        var bits = [p.place, p.instructors, p.ownTime].filter(Boolean);
        if (bits.length) info.el.setAttribute("title", info.event.title + " — " + bits.join(" · "));
      },
      eventDrop: function (info) { move(info); },
      eventResize: function (info) { move(info); }
    }, clock));

    function move(info) {
      var url = info.event.extendedProps.moveUrl;
      var body = { start: info.event.start.toISOString(), end: info.event.end.toISOString() };
      function send(reason) {
        body.override_reason = reason || "";
        post(url, body).then(function (data) {
          if (data.ok) {
            say("success", [el("span", {}, data.message || t.moved)]);
            calendar.refetchEvents();
          } else {
            if (!reason) info.revert();
            refused(data, data.status === 409 ? send : null);
          }
        }).catch(function () {
          info.revert();
          say("warning", [el("span", {}, t.error)]);
        });
      }
      send("");
    }

    calendar.render();
    window.cmCalendar = calendar;

    if (dialog) {
      dialog.addEventListener("close", function () { calendar.unselect(); });
      dialog.querySelectorAll("[data-dialog-close]").forEach(function (button) {
        button.addEventListener("click", function () { dialog.close(); });
      });
      document.querySelectorAll("[data-new-session]").forEach(function (link) {
        link.addEventListener("click", function (event) {
          if (openNewSession({})) event.preventDefault();
        });
      });
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
