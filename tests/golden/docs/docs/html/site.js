/* journeyc HTML site script: diagram pan and zoom, full screen, search, glossary filter, menu.
   Part of journeyc (MIT licence, see the package's licence). Written for this site, no library; it only
   reads the page and the search index (window.JOURNEYC_SEARCH), and shows text with textContent, never as
   markup. Everything works without it: the diagram scrolls, the menu opens with its link. */
(function () {
  "use strict";

  /* --- diagrams: zoom by resizing the SVG (the text stays sharp), pan by scrolling the viewport --- */
  function viewer(figure) {
    var port = figure.querySelector(".viewport");
    var svg = port && port.querySelector("svg");
    if (!svg) return;
    var controls = figure.querySelector(".controls");
    var width = svg.width.baseVal.value, height = svg.height.baseVal.value;
    var least = parseFloat(figure.getAttribute("data-min-zoom")) || 1;  // smallest text stays >= 10 CSS px
    var zoom = Math.max(1, least);

    function apply(next, cx, cy) {
      next = Math.min(8, Math.max(least, next));
      var rect = port.getBoundingClientRect();
      var ox = cx === undefined ? rect.width / 2 : cx - rect.left;
      var oy = cy === undefined ? rect.height / 2 : cy - rect.top;
      var fx = (port.scrollLeft + ox) / zoom, fy = (port.scrollTop + oy) / zoom;  // the point under the cursor
      zoom = next;
      svg.setAttribute("width", (width * zoom).toFixed(1) + "px");
      svg.setAttribute("height", (height * zoom).toFixed(1) + "px");
      port.scrollLeft = fx * zoom - ox;
      port.scrollTop = fy * zoom - oy;
    }

    function full(on) {
      figure.classList.toggle("full", on);
      var button = figure.querySelector('[data-zoom="full"]');
      if (button) button.setAttribute("aria-pressed", on ? "true" : "false");
      if (on) port.focus();
    }

    if (controls) {
      controls.hidden = false;
      controls.addEventListener("click", function (event) {
        var what = event.target.getAttribute && event.target.getAttribute("data-zoom");
        if (what === "in") apply(zoom * 1.25);
        else if (what === "out") apply(zoom / 1.25);
        else if (what === "reset") apply(Math.max(1, least));
        else if (what === "full") full(!figure.classList.contains("full"));
      });
    }
    apply(zoom);
    port.scrollLeft = 0;
    port.scrollTop = 0;

    port.addEventListener("wheel", function (event) {  // a plain wheel scrolls; Ctrl/Cmd + wheel zooms
      if (!event.ctrlKey && !event.metaKey) return;
      event.preventDefault();
      apply(zoom * Math.pow(1.0015, -event.deltaY), event.clientX, event.clientY);
    }, { passive: false });

    port.addEventListener("keydown", function (event) {
      var step = 60, key = event.key;
      if (key === "+" || key === "=") apply(zoom * 1.25);
      else if (key === "-" || key === "_") apply(zoom / 1.25);
      else if (key === "0") apply(Math.max(1, least));
      else if (key === "f" || key === "F") full(!figure.classList.contains("full"));
      else if (key === "Escape" && figure.classList.contains("full")) full(false);
      else if (key === "ArrowLeft") port.scrollLeft -= step;
      else if (key === "ArrowRight") port.scrollLeft += step;
      else if (key === "ArrowUp") port.scrollTop -= step;
      else if (key === "ArrowDown") port.scrollTop += step;
      else return;
      event.preventDefault();
    });

    var pointers = {}, drag = null, pinch = null;
    function count() { return Object.keys(pointers).length; }
    port.addEventListener("pointerdown", function (event) {
      if (event.pointerType === "mouse" && event.button !== 0) return;
      if (event.target.closest && event.target.closest("a")) return;  // a stage link stays a link
      pointers[event.pointerId] = { x: event.clientX, y: event.clientY };
      port.setPointerCapture(event.pointerId);
      if (count() === 1) drag = { x: event.clientX, y: event.clientY, left: port.scrollLeft, top: port.scrollTop };
      if (count() === 2) { drag = null; pinch = { d: spread(), zoom: zoom }; }
      port.classList.add("dragging");
    });
    port.addEventListener("pointermove", function (event) {
      if (!pointers[event.pointerId]) return;
      pointers[event.pointerId] = { x: event.clientX, y: event.clientY };
      if (pinch && count() === 2) {
        var c = centre();
        apply(pinch.zoom * spread() / pinch.d, c.x, c.y);
      } else if (drag) {
        port.scrollLeft = drag.left - (event.clientX - drag.x);
        port.scrollTop = drag.top - (event.clientY - drag.y);
      }
      event.preventDefault();
    });
    function release(event) {
      delete pointers[event.pointerId];
      if (count() < 2) pinch = null;
      if (count() === 0) { drag = null; port.classList.remove("dragging"); }
    }
    port.addEventListener("pointerup", release);
    port.addEventListener("pointercancel", release);
    function points() { return Object.keys(pointers).map(function (k) { return pointers[k]; }); }
    function spread() { var p = points(); return Math.max(1, Math.hypot(p[0].x - p[1].x, p[0].y - p[1].y)); }
    function centre() { var p = points(); return { x: (p[0].x + p[1].x) / 2, y: (p[0].y + p[1].y) / 2 }; }
  }

  /* --- search: the index built with the site, matched without regard to case or accents --- */
  function fold(text) {
    return String(text).normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function search(box) {
    var index = window.JOURNEYC_SEARCH;
    if (!index) return;
    var root = document.documentElement.getAttribute("data-root") || "";
    var input = box.querySelector("input"), list = box.querySelector(".results");
    var rank = { journey: 0, team: 1, term: 2, stage: 3, signal: 4 };
    var folded = index.map(function (e) { return fold(e.t + " " + (e.d || "")); });
    var titles = index.map(function (e) { return fold(e.t); });
    var selected = -1;
    box.hidden = false;

    function show() {
      var words = fold(input.value).split(/\s+/).filter(Boolean);
      list.textContent = "";
      selected = -1;
      if (!words.length) { list.hidden = true; return; }
      var hits = [];
      for (var i = 0; i < index.length; i++) {
        if (words.every(function (w) { return folded[i].indexOf(w) >= 0; })) hits.push(i);
      }
      hits.sort(function (a, b) {
        var pa = titles[a].indexOf(words[0]) === 0 ? 0 : 1, pb = titles[b].indexOf(words[0]) === 0 ? 0 : 1;
        return pa - pb || rank[index[a].k] - rank[index[b].k] || titles[a].localeCompare(titles[b]);
      });
      hits.slice(0, 12).forEach(function (i) {
        var e = index[i], li = document.createElement("li"), a = document.createElement("a");
        var kind = document.createElement("span"), detail = document.createElement("span");
        a.href = root + e.u;
        kind.className = "kind"; kind.textContent = e.k;
        detail.className = "detail"; detail.textContent = e.d || "";
        a.appendChild(kind); a.appendChild(document.createTextNode(e.t)); a.appendChild(detail);
        li.appendChild(a); list.appendChild(li);
      });
      if (!hits.length) {
        var none = document.createElement("li");
        none.className = "none"; none.textContent = "Nothing matches.";
        list.appendChild(none);
      }
      list.hidden = false;
    }

    function move(by) {
      var links = list.querySelectorAll("a");
      if (!links.length) return;
      if (selected >= 0) links[selected].removeAttribute("aria-selected");
      selected = (selected + by + links.length) % links.length;
      links[selected].setAttribute("aria-selected", "true");
      links[selected].scrollIntoView({ block: "nearest" });
    }

    input.addEventListener("input", show);
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") move(1);
      else if (event.key === "ArrowUp") move(-1);
      else if (event.key === "Enter") {
        var links = list.querySelectorAll("a");
        if (links.length) window.location.href = links[Math.max(0, selected)].href;
      } else if (event.key === "Escape") { input.value = ""; show(); }
      else return;
      event.preventDefault();
    });
    document.addEventListener("click", function (event) { if (!box.contains(event.target)) list.hidden = true; });
    document.addEventListener("keydown", function (event) {
      if (event.key === "/" && document.activeElement === document.body) { event.preventDefault(); input.focus(); }
    });
  }

  /* --- glossary: show only the terms a team owns --- */
  function filter(select) {
    select.closest(".filter").hidden = false;
    select.addEventListener("change", function () {
      document.querySelectorAll(".glossary .term").forEach(function (term) {
        term.hidden = select.value !== "" && term.getAttribute("data-owner") !== select.value;
      });
      document.querySelectorAll(".glossary .letter").forEach(function (group) {
        group.hidden = !group.querySelector(".term:not([hidden])");
      });
    });
  }

  /* --- the menu on a phone: a link to #nav works without script; with it, a toggle --- */
  function menu(link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      document.body.classList.toggle("nav-open");
    });
    document.querySelectorAll(".sidebar .close").forEach(function (close) {
      close.addEventListener("click", function (event) {
        event.preventDefault();
        document.body.classList.remove("nav-open");
      });
    });
  }

  document.querySelectorAll(".viewer").forEach(viewer);
  document.querySelectorAll(".search").forEach(search);
  document.querySelectorAll("#owner-filter").forEach(filter);
  document.querySelectorAll(".topbar .menu").forEach(menu);
})();
