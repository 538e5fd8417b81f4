/* School and student calendars on FullCalendar 7 (vendored, global build).
   Config comes from data-* attributes; no inline script (CSP). Drag-and-drop
   posts to the meeting's move endpoint, which runs the server's clash checks;
   a refusal puts the meeting back and lists the clashes with links. */
(function () {
  "use strict";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text) node.textContent = text;
    return node;
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

    var calendar = new window.FullCalendar.Calendar(target, {
      initialView: narrow ? "listWeek" : (target.dataset.view || "timeGridWeek"),
      initialDate: target.dataset.initialDate || undefined,
      timeZone: target.dataset.zone || "local",
      locale: t.locale,
      direction: t.direction,
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
      events: { url: target.dataset.events },
      eventDidMount: function (info) {
        var p = info.event.extendedProps || {};
        var bits = [p.place, p.instructors, p.ownTime].filter(Boolean);
        if (bits.length) {
          info.el.setAttribute("title", info.event.title + " — " + bits.join(" · "));
          var extra = el("span", { "class": "cm-event-meta" }, bits.join(" · "));
          info.el.appendChild(extra);
        }
      },
      eventDrop: function (info) { move(info); },
      eventResize: function (info) { move(info); }
    });

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
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
