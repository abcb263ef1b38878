/* Search result snippets without hidden text (sphinx_evidence). Sphinx's search shows a
   snippet of each page found, taken from the page's text; that text holds tooltips, term
   previews and printed-only addresses that a reader never sees together with the words
   around them ("FreeFree to read..."). This removes them before the snippet is made. */
(function () {
  "use strict";
  var HIDDEN = [
    ".evidence-badge-tip",
    ".evidence-term-previews",
    ".evidence-term-preview",
    ".evidence-print-url",
    ".evidence-glossary-az",
    ".no-search",
  ].join(", ");

  function patch() {
    if (typeof Search === "undefined" || !Search.htmlToText || Search.evidenceClean) return;
    var original = Search.htmlToText;
    Search.htmlToText = function (htmlString, anchor) {
      var doc = new DOMParser().parseFromString(htmlString, "text/html");
      doc.querySelectorAll(HIDDEN).forEach(function (node) { node.remove(); });
      return original(doc.documentElement.outerHTML, anchor);
    };
    Search.evidenceClean = true;
  }

  patch();
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", patch);
})();
