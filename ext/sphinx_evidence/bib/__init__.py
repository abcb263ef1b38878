"""The BibTeX data layer: plain Python (pybtex, no Sphinx, no docutils).

* :mod:`.load`: tolerant parsing of .bib files (a bad entry is a problem with file and line,
  not a crash), biblatex ``crossref`` and ``@set``, the checks of each entry;
* :mod:`.style`: the house bibliography style (the ``evidence`` pybtex plugin), LaTeX to text,
  names, partial dates, safe URLs and DOIs;
* :mod:`.export`: BibTeX, RIS and CSL-JSON downloads;
* :mod:`.lint`: ``python -m sphinx_evidence.bib.lint references.bib --docs docs``;
* :mod:`.levels`: the default vocabulary of the ``access`` field;
* :mod:`.importer`: ``nox -s add-refs``, merging reference managers' exports into a .bib file.
"""
