/* Reading-list filter and badge tooltips (sphinx_evidence). Without JavaScript every entry
   shows; with it, each long reading list gets a small form to narrow the list by access
   level and by words, without reloading. */
(function () {
  "use strict";

  function levelOf(item) {
    for (var i = 0; i < item.classList.length; i++) {
      var name = item.classList[i];
      if (name.indexOf("evidence-level-") === 0) return name.slice(15);
    }
    return "none";
  }

  /* Lower case without accents: "cafe" finds "Café". */
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function searchText(item) {
    var copy = item.cloneNode(true);
    copy.querySelectorAll(".evidence-badge-tip, .evidence-print-url").forEach(function (tip) {
      tip.remove();
    });
    return fold(copy.textContent);
  }

  /* The heading of the section holding the list, for the filter's name. */
  function listTitle(list) {
    var section = list.closest("section");
    var heading = section && section.querySelector("h1, h2, h3, h4, h5, h6");
    return heading ? heading.textContent.replace(/[\u00b6#]\s*$/, "").trim() : "";
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  /* Only long lists (class evidence-filterable, set from evidence_citations_filter_min)
     get a filter: by access level and by words, with a button that clears it and a
     live message that says how many entries show, or that none match. */
  function setup(list, number) {
    var items = Array.prototype.slice.call(list.querySelectorAll("li.evidence-entry"));
    if (!list.classList.contains("evidence-filterable") || items.length < 2) return;
    var texts = items.map(searchText);
    var levels = [];
    var labels = {};
    items.forEach(function (item) {
      var level = levelOf(item);
      if (levels.indexOf(level) < 0) {
        levels.push(level);
        var badge = item.querySelector(".evidence-badge");
        labels[level] = level === "none" || !badge ? "Not stated" : badge.textContent.trim();
      }
    });
    var prefix = "evidence-filter-" + number;
    var title = listTitle(list);
    var form = element("form", "evidence-filter");
    form.setAttribute("role", "search");
    var name = title ? "Filter the list: " + title : "Filter reading list " + (number + 1);
    if (document.querySelector('form[aria-label="' + name.replace(/"/g, "") + '"]')) {
      name += " (" + (number + 1) + ")";
    }
    form.setAttribute("aria-label", name);
    var boxes = {};
    if (levels.length > 1) {
      var fieldset = element("fieldset");
      fieldset.appendChild(element("legend", "", "Show these access levels"));
      levels.forEach(function (level) {
        var label = element("label");
        var box = element("input");
        box.type = "checkbox";
        box.checked = true;
        box.value = level;
        box.id = prefix + "-" + level;
        label.htmlFor = box.id;
        label.appendChild(box);
        label.appendChild(document.createTextNode(labels[level]));
        fieldset.appendChild(label);
        boxes[level] = box;
      });
      form.appendChild(fieldset);
    }
    var wordsLabel = element("label", "evidence-filter-words-label",
      "Find words in the titles and descriptions");
    wordsLabel.htmlFor = prefix + "-words";
    form.appendChild(wordsLabel);
    var row = element("div", "evidence-filter-row");
    var words = element("input");
    words.type = "search";
    words.id = prefix + "-words";
    words.autocomplete = "off";
    row.appendChild(words);
    var clear = element("button", "evidence-filter-clear", "Clear filter");
    clear.type = "button";
    row.appendChild(clear);
    form.appendChild(row);
    var status = element("p", "evidence-filter-status");
    status.setAttribute("role", "status");
    status.id = prefix + "-status";
    form.appendChild(status);
    list.insertBefore(form, list.firstChild);

    function apply() {
      var wanted = fold(words.value).split(/\s+/).filter(Boolean);
      var shown = 0;
      items.forEach(function (item, i) {
        var box = boxes[levelOf(item)];
        var ok = (!box || box.checked) && wanted.every(function (w) {
          return texts[i].indexOf(w) >= 0;
        });
        item.hidden = !ok;
        if (ok) shown += 1;
      });
      list.querySelectorAll(".evidence-group").forEach(function (group) {
        group.hidden = !group.querySelector("li.evidence-entry:not([hidden])");
      });
      var filtered = shown < items.length;
      clear.disabled = !filtered && !words.value;
      if (shown === 0) {
        status.textContent = "No entries match. Try fewer words, tick more access levels, " +
          "or clear the filter.";
      } else {
        status.textContent = filtered
          ? "Showing " + shown + " of " + items.length + " entries."
          : "Showing all " + items.length + " entries.";
      }
    }
    clear.addEventListener("click", function () {
      words.value = "";
      Object.keys(boxes).forEach(function (level) { boxes[level].checked = true; });
      apply();
      words.focus();
    });
    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    apply();
  }

  function tooltips() {
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") return;
      document.querySelectorAll(".evidence-badge-wrap").forEach(function (wrap) {
        wrap.classList.add("evidence-tip-dismissed");
      });
    });
    ["focusin", "mouseover"].forEach(function (kind) {
      document.addEventListener(kind, function (event) {
        var wrap = event.target.closest && event.target.closest(".evidence-badge-wrap");
        if (!wrap) return;
        wrap.classList.remove("evidence-tip-dismissed");
        place(wrap);
      });
    });
  }

  /* Keep a tooltip inside the window: move it left by as much as it would overflow on
     the right, but never past the window's left edge. */
  function place(wrap) {
    var tip = wrap.querySelector(".evidence-badge-tip");
    if (!tip) return;
    tip.style.left = "";
    var room = document.documentElement.clientWidth;
    var box = tip.getBoundingClientRect();
    if (box.right > room - 4) {
      var shift = Math.min(box.right - (room - 4), box.left - 4);
      tip.style.left = -Math.max(shift, 0) + "px";
    }
  }

  function start() {
    document.querySelectorAll(".evidence-reading-list").forEach(setup);
    tooltips();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
