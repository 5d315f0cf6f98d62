// What a cohort or agenda page does in the reader's browser, from the data the page carries
// (generator/plan/meeting_data.py): which meeting is next and how far away, which are held,
// checklists that stay ticked, and the invitation in the reader's time zone. The site is static
// and built once, so the clock is read here, never at build time. Without this script the page
// is exactly the built HTML; with it, nothing leaves the device: ticks live in localStorage.
// Text is set with textContent only; the data attributes hold times and page paths, which the
// output allowlist checks (generator/engine/sanitize.py).
(function () {
  "use strict";

  var DAY = 86400000;
  var now = new Date();
  // The page's language (<html lang>, from site.yml): dates and "in 3 days" follow it; the
  // sentences come translated from the page itself (data-hb-say-* attributes, see `say`).
  var lang = document.documentElement.lang || "en";
  var english = /^en\b/i.test(lang);
  var dateParts = new Intl.DateTimeFormat(english ? "en-GB" : lang,
    { weekday: "long", day: "numeric", month: "long", year: "numeric" });
  var fullDate = new Intl.DateTimeFormat(lang, { dateStyle: "full" });
  var relative = new Intl.RelativeTimeFormat(lang, { numeric: "auto" });
  var clockParts = new Intl.DateTimeFormat(english ? "en-GB" : lang,
    { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short" });
  // British English names some zones only by offset (GMT-4) where American English has a
  // name (EDT), and the other way round (BST).
  var zoneParts = new Intl.DateTimeFormat("en-US", { timeZoneName: "short" });

  function part(format, date, type) {
    var found = format.formatToParts(date).filter(function (p) { return p.type === type; })[0];
    return found ? found.value : "";
  }

  // A sentence the template wrote, translated, into a data-hb-say-<name> attribute of
  // `element`, its {placeholders} filled in; the English one when the page has none.
  function say(element, name, fallback, values) {
    var text = (element && element.getAttribute("data-hb-say-" + name)) || fallback;
    return text.replace(/\{(\w+)\}/g, function (all, key) {
      return values && key in values ? String(values[key]) : all;
    });
  }

  // 'Thursday 22 April 2027', as the English pages write dates, whatever the browser's ICU
  // adds; other languages as their full date ('Donnerstag, 22. April 2027').
  function formatDay(date) {
    if (!english) return fullDate.format(date);
    return ["weekday", "day", "month", "year"].map(function (type) {
      return part(dateParts, date, type);
    }).join(" ");
  }

  function clock(date) {
    var zone = part(clockParts, date, "timeZoneName");
    var other = part(zoneParts, date, "timeZoneName");
    if (/^GMT[+-]/.test(zone) && other && !/^GMT[+-]/.test(other)) zone = other;
    return { time: part(clockParts, date, "hour") + ":" + part(clockParts, date, "minute"),
             zone: zone };
  }

  // Calendar days from today to `date`, both in the reader's zone.
  function daysUntil(date) {
    var day = function (d) { return Date.UTC(d.getFullYear(), d.getMonth(), d.getDate()); };
    return Math.round((day(date) - day(now)) / DAY);
  }

  function fromNow(date) {
    return relative.format(daysUntil(date), "day");  // today, tomorrow, in 3 days, morgen
  }

  function parseMeetings(text) {
    return text.split(" ").map(function (pair, index) {
      var times = pair.split("/");
      return { number: index + 1, start: new Date(times[0]), end: new Date(times[1]),
               iso: times[0] };
    }).filter(function (m) { return !isNaN(m.start) && !isNaN(m.end); });
  }

  // --- the next-meeting banner and the held meetings ------------------------------------------

  // The schedule row of a meeting on this page (cohort page), for its title and link.
  function scheduleLink(meeting) {
    var cell = document.querySelector(".hb-meeting[data-hb-start='" + meeting.iso + "']");
    var row = cell && cell.closest("tr");
    return row && row.querySelector("a[href]");
  }

  function nextSentence(banner, meetings, current, next) {
    var total = meetings.length;
    if (current) {
      banner.append(say(banner, "now-on", "Meeting {number} of {total} is on now.",
                        { number: current.number, total: total }) + " ");
    } else if (next) {
      var when = clock(next.start);
      banner.append(say(banner, "next", "Next meeting: {number} of {total},",
                        { number: next.number, total: total }) + " ");
      var link = scheduleLink(next);
      if (link) {
        var a = document.createElement("a");
        a.href = link.getAttribute("href");
        a.textContent = link.textContent;
        banner.append(a, ", ");
      }
      banner.append(formatDay(next.start) + ", " + when.time + " " + when.zone +
                    " — " + fromNow(next.start) + ". ");
    } else {
      banner.append(say(banner, "all-held", "All {total} meetings have been held.",
                        { total: total }) + " ");
    }
  }

  function showBanner(banner) {
    var meetings = parseMeetings(banner.getAttribute("data-hb-meetings") || "");
    if (!meetings.length) return;
    var current = meetings.filter(function (m) { return m.start <= now && now < m.end; })[0];
    var next = meetings.filter(function (m) { return m.start > now; })[0];
    var here = meetings[Number(banner.getAttribute("data-hb-this")) - 1];
    if (here && here === current) {
      banner.append(say(banner, "this-now", "This meeting is on now."));
    } else if (here && here === next && !current) {
      banner.append(say(banner, "this-next", "This is the next meeting: {when}.",
                        { when: fromNow(here.start) }));
    } else {
      if (here && here.end <= now) banner.append(say(banner, "this-held", "This meeting was held.") + " ");
      nextSentence(banner, meetings, current, next);
      if (here && here.start > now) {
        banner.append(say(banner, "this-later", "This meeting is {when}.",
                          { when: fromNow(here.start) }));
      }
    }
    banner.classList.add("hb-next--shown");
  }

  document.querySelectorAll(".hb-next[data-hb-meetings]").forEach(showBanner);

  document.querySelectorAll(".hb-meeting[data-hb-end]").forEach(function (cell) {
    var end = new Date(cell.getAttribute("data-hb-end"));
    var row = cell.closest("tr");
    if (!row || isNaN(end) || end > now) return;
    row.classList.add("hb-held");
    var note = row.lastElementChild;
    var mark = document.createElement("span");
    mark.className = "hb-held-mark";
    mark.textContent = say(cell, "held", "Held");
    if (note.textContent.trim()) note.append(" · ");
    note.append(mark);
  });

  // --- checklists that stay ticked --------------------------------------------------------------

  // FNV-1a: a short, stable key for an item's text, so an edited item starts unticked.
  function hash(text) {
    var h = 0x811c9dc5;
    for (var i = 0; i < text.length; i++) {
      h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
    }
    return h.toString(36);
  }

  function load(key) {
    try { return JSON.parse(localStorage.getItem(key) || "{}") || {}; } catch (e) { return {}; }
  }

  function save(key, ticks) {
    try {
      if (Object.keys(ticks).length) localStorage.setItem(key, JSON.stringify(ticks));
      else localStorage.removeItem(key);
    } catch (e) { /* storage off or full: ticks last as long as the page */ }
  }

  // The task list a checklist heading introduces: the next one before another heading.
  function listAfter(heading) {
    for (var el = heading.nextElementSibling; el; el = el.nextElementSibling) {
      if (el.matches("ul.task-list")) return el;
      if (/^H[1-6]$/.test(el.tagName)) return null;
    }
    return null;
  }

  // The site's root path ('/mentoring/'), as Material scopes its own keys: two handbooks on
  // one host (an internal and a public edition) share localStorage and their page paths.
  var scope = "/";
  try {
    var config = JSON.parse(document.getElementById("__config").textContent);
    scope = new URL(config.base, location.href).pathname.replace(/\/?$/, "/");
  } catch (e) { /* no theme config: the host's root */ }

  var meetingsLists = {};
  var clearText = {};
  document.querySelectorAll("[data-hb-checklist]").forEach(function (heading) {
    var list = listAfter(heading);
    var key = "handbook.ticks:" + scope + heading.getAttribute("data-hb-checklist");
    if (list) (meetingsLists[key] = meetingsLists[key] || []).push(list);
    clearText[key] = say(heading, "clear", clearText[key] || "Clear the ticks of this meeting");
  });

  Object.keys(meetingsLists).forEach(function (key) {
    var ticks = load(key);
    var seen = {};
    var boxes = [];
    meetingsLists[key].forEach(function (list) {
      list.querySelectorAll(":scope > li.task-list-item").forEach(function (item) {
        var box = item.querySelector("input[type=checkbox]");
        if (!box) return;
        var text = item.textContent.replace(/\s+/g, " ").trim();
        var id = hash(text);
        seen[id] = (seen[id] || 0) + 1;  // the same text twice: two items
        id += "." + seen[id];
        box.disabled = false;
        box.checked = ticks[id] === 1;
        box.addEventListener("change", function () {
          ticks = load(key);
          if (box.checked) ticks[id] = 1; else delete ticks[id];
          save(key, ticks);
        });
        boxes.push(box);
      });
    });
    var lists = meetingsLists[key];
    var clear = document.createElement("button");
    clear.type = "button";
    clear.className = "md-button hb-clear";
    clear.textContent = clearText[key];
    clear.addEventListener("click", function () {
      save(key, {});
      boxes.forEach(function (box) { box.checked = false; });
    });
    lists[lists.length - 1].after(clear);
  });

  // --- the invitation in the reader's time zone -------------------------------------------------

  var when = document.querySelector(".hb-invite-text .hb-invite-when[data-hb-start]");
  var text = when && when.closest(".hb-invite-text");
  var mail = document.querySelector("a.hb-invite-mail[href^='mailto:']");
  if (!when || !text) return;
  var start = new Date(when.getAttribute("data-hb-start"));
  var end = new Date(when.getAttribute("data-hb-end"));
  var own = when.textContent;  // 'Thursday 22 April 2027, 12:30–13:15 BST (Europe/London)'
  var zone = (own.match(/\(([^()]+)\)$/) || [])[1];
  var readerZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!isNaN(start) && !isNaN(end) && zone !== readerZone) {
    var day = formatDay(start);
    var local = day + ", " + clock(start).time + "–" + clock(end).time + " " + clock(start).zone;
    var theirs = own.indexOf(day + ", ") === 0 ? own.slice(day.length + 2) : own;
    when.textContent = local + " (" + theirs + ")";
    if (mail) {
      var href = mail.getAttribute("href");
      var body = href.indexOf("&body=");
      if (body > 0) {
        mail.href = href.slice(0, body) + "&body=" +
          encodeURIComponent(text.textContent.replace(/\r?\n/g, "\r\n"));
      }
    }
  }

  var copy = document.createElement("button");
  copy.type = "button";
  copy.className = "md-button hb-copy";
  copy.textContent = say(text, "copy", "Copy the invitation");
  copy.addEventListener("click", function () {
    var done = function () { copy.textContent = say(text, "copied", "Copied"); };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text.textContent).then(done, function () {});
    } else {  // plain http on an intranet has no clipboard API: select the text and copy it
      var range = document.createRange();
      range.selectNodeContents(text);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      if (document.execCommand("copy")) done();
    }
  });
  text.after(copy);
})();
