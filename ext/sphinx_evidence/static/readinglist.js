/* Reading-list filter and badge tooltips (sphinx_evidence). Without JavaScript every entry
   shows; with it, each reading list gets a small form to narrow the list by access level
   and by words, without reloading. */
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
    copy.querySelectorAll(".evidence-badge-tip").forEach(function (tip) { tip.remove(); });
    return fold(copy.textContent);
  }

  /* A name for the list's filter form that no other landmark on the page shares. */
  function formName(list, number) {
    var section = list.closest("section");
    var heading = section && section.querySelector("h1, h2, h3, h4, h5, h6");
    var title = heading ? heading.textContent.replace(/[\u00b6#]\s*$/, "").trim() : "";
    return title ? "Filter the list: " + title : "Filter reading list " + number;
  }

  function setup(list, number) {
    var items = Array.prototype.slice.call(list.querySelectorAll("li.evidence-entry"));
    if (items.length < 2) return;
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
    var form = document.createElement("form");
    form.className = "evidence-filter";
    form.setAttribute("role", "search");
    var name = formName(list, number + 1);
    if (document.querySelector('form[aria-label="' + name.replace(/"/g, "") + '"]')) {
      name += " (" + (number + 1) + ")";
    }
    form.setAttribute("aria-label", name);
    var boxes = {};
    if (levels.length > 1) {
      var fieldset = document.createElement("fieldset");
      var legend = document.createElement("legend");
      legend.textContent = "Show access:";
      fieldset.appendChild(legend);
      levels.forEach(function (level) {
        var label = document.createElement("label");
        var box = document.createElement("input");
        box.type = "checkbox";
        box.checked = true;
        box.value = level;
        box.id = prefix + "-" + level;
        label.htmlFor = box.id;
        label.appendChild(box);
        label.appendChild(document.createTextNode(" " + labels[level]));
        fieldset.appendChild(label);
        boxes[level] = box;
      });
      form.appendChild(fieldset);
    }
    var wordsLabel = document.createElement("label");
    wordsLabel.htmlFor = prefix + "-words";
    wordsLabel.textContent = "Words: ";
    var words = document.createElement("input");
    words.type = "search";
    words.id = prefix + "-words";
    wordsLabel.appendChild(words);
    form.appendChild(wordsLabel);
    var status = document.createElement("p");
    status.className = "evidence-filter-status";
    status.setAttribute("role", "status");
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
      var downloads = list.querySelector(".evidence-export");
      if (downloads) downloads.hidden = shown === 0; // nothing shown: nothing to download
      status.textContent = shown === items.length
        ? "Showing all " + items.length + " entries."
        : "Showing " + shown + " of " + items.length + " entries.";
    }
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

  /* Keep a tooltip inside the window: open it leftwards when it would overflow. */
  function place(wrap) {
    var tip = wrap.querySelector(".evidence-badge-tip");
    if (!tip) return;
    wrap.classList.remove("evidence-tip-flip");
    var room = document.documentElement.clientWidth;
    if (tip.getBoundingClientRect().right > room - 4) {
      wrap.classList.add("evidence-tip-flip");
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
