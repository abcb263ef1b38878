/* Glossary term previews (sphinx_evidence). No dependencies, nothing fetched.
 *
 * Each term link <a class="evidence-term" aria-describedby="ID"> points at a hidden
 * <div role="tooltip" id="ID"> embedded in the page. The preview shows on hover, on
 * keyboard focus and on a first tap (touch: a second tap follows the link); it stays while
 * the pointer is over it, and hides on Esc, blur or a tap elsewhere. Without this script
 * the link simply goes to the glossary entry.
 */
(() => {
  "use strict";
  const GAP = 6;
  let current = null; // {link, tip}
  let hideTimer = 0;
  let lastPointer = "mouse";
  let shownBeforeTap = false;

  function tipFor(link) {
    const id = link.getAttribute("aria-describedby");
    return id ? document.getElementById(id) : null;
  }

  function place(link, tip) {
    const rect = link.getBoundingClientRect();
    const width = Math.min(tip.offsetWidth, window.innerWidth - 2 * GAP);
    let left = Math.min(Math.max(GAP, rect.left), window.innerWidth - width - GAP);
    let top = rect.bottom + GAP;
    if (top + tip.offsetHeight > window.innerHeight - GAP) {
      // above the link if it fits there, else as low as the window allows
      top = rect.top - tip.offsetHeight - GAP > 0
        ? rect.top - tip.offsetHeight - GAP
        : Math.max(GAP, window.innerHeight - tip.offsetHeight - GAP);
    }
    tip.style.left = `${Math.round(left)}px`;
    tip.style.top = `${Math.round(top)}px`;
  }

  function show(link) {
    clearTimeout(hideTimer);
    const tip = tipFor(link);
    if (!tip) return;
    if (current && current.tip !== tip) hide();
    tip.hidden = false;
    tip.classList.add("evidence-term-preview--shown");
    place(link, tip);
    current = { link, tip };
  }

  function hide() {
    clearTimeout(hideTimer);
    if (!current) return;
    current.tip.hidden = true;
    current.tip.classList.remove("evidence-term-preview--shown");
    current = null;
  }

  function hideSoon() {
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hide, 300);
  }

  function init() {
    const links = document.querySelectorAll("a.evidence-term[aria-describedby]");
    for (const link of links) {
      const tip = tipFor(link);
      if (!tip) continue;
      // The preview says what an abbreviation stands for: no second, native tooltip.
      for (const abbr of link.querySelectorAll("abbr[title]")) {
        abbr.dataset.title = abbr.title;
        abbr.removeAttribute("title");
      }
      link.addEventListener("pointerenter", (event) => {
        if (event.pointerType !== "touch") show(link);
      });
      link.addEventListener("pointerleave", (event) => {
        if (event.pointerType !== "touch") hideSoon();
      });
      link.addEventListener("pointerdown", (event) => {
        lastPointer = event.pointerType || "mouse";
        shownBeforeTap = Boolean(current && current.link === link);
      });
      link.addEventListener("focus", () => show(link));
      link.addEventListener("blur", () => hideSoon());
      link.addEventListener("pointercancel", () => {
        lastPointer = "mouse"; // the touch became a scroll: no tap follows
      });
      link.addEventListener("click", (event) => {
        // Touch: the first tap shows the preview, a second tap follows the link.
        // (A click with detail 0 comes from the keyboard: Enter always follows the link.)
        if (lastPointer === "touch" && event.detail !== 0 && !shownBeforeTap) {
          event.preventDefault();
          show(link);
        }
        lastPointer = "mouse";
      });
      tip.addEventListener("pointerenter", () => clearTimeout(hideTimer));
      tip.addEventListener("pointerleave", () => hideSoon());
    }
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && current) {
        hide();
      }
    });
    document.addEventListener("pointerdown", (event) => {
      if (current && !current.link.contains(event.target) && !current.tip.contains(event.target)) {
        hide();
      }
    });
    window.addEventListener("scroll", () => current && place(current.link, current.tip), { passive: true });
    window.addEventListener("resize", () => current && place(current.link, current.tip));
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
