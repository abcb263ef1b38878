"""The bridge to sphinxcontrib-bibtex: our tolerant parse of the .bib files, handed to the
stock extension when the house style or rules are on."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import pybtex.plugin
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinxcontrib.bibtex.bibfile import BibData, BibFile
from sphinxcontrib.bibtex.domain import BibtexDomain

from sphinx_evidence.access.levels import access_config
from sphinx_evidence.bib.load import BibCache, load, signature
from sphinx_evidence.citations.config import house_rules_on
from sphinx_evidence.citations.domain import domain_of
from sphinx_evidence.core.parallel import MainProcessOnly
from sphinx_evidence.core.warnings import Warn, warn


def shares_data(config: Config) -> bool:
    """Whether sphinxcontrib-bibtex is handed our tolerant parse (the house style needs its
    crossref and @set handling); otherwise the stock extension parses as it always does."""
    return config.bibtex_default_style == "evidence" or house_rules_on(config)


#: Problems of a .bib that replace the stock parser's own errors when we parse for it.
PARSE_PROBLEMS = frozenset({Warn.bib_syntax, Warn.bib_duplicate})


def bib_paths(app: Sphinx) -> list[Path]:
    """The configured .bib files, resolved as sphinxcontrib-bibtex resolves them."""
    return [(Path(app.confdir) / f).resolve() for f in app.config.bibtex_bibfiles or []]


def _remember_plugins(app: Sphinx) -> None:
    """Look up once the pybtex plugins sphinxcontrib-bibtex asks for at every citation.

    pybtex's ``find_plugin`` scans the installed packages' entry points on each call (about
    13 ms); the stock resolver calls it for every citation and footnote citation, which
    made it a fifth of a citation-heavy build (and still costs 0.2 ms a call once the entry
    points are read once, :mod:`.plugins`). The plugins it finds are registered again
    under the same names as runtime plugins, which pybtex checks first: same classes, once.
    """
    wanted = [
        ("pybtex.backends", "plaintext"),
        ("pybtex.backends", "docutils"),
        ("pybtex.style.formatting", app.config.bibtex_default_style),
        ("pybtex.style.formatting", getattr(app.config, "bibtex_tooltips_style", "")),
    ]
    for group, name in wanted:
        if not name:
            continue
        try:
            klass = pybtex.plugin.find_plugin(group, name)
        except pybtex.plugin.PluginNotFound:
            continue  # sphinxcontrib-bibtex reports an unknown style itself
        pybtex.plugin.register_plugin(group, name, klass, force=True)


class _Cache(MainProcessOnly, BibCache):
    """The parsed .bib files: read by every page, never sent back by a ``-j`` worker."""

    __slots__ = ()


class _BibData(MainProcessOnly, BibData):
    """sphinxcontrib-bibtex's copy (the same entries): likewise."""

    __slots__ = ()


def load_bibfiles(app: Sphinx) -> None:
    """Parse the .bib files when they changed; hand the data to sphinxcontrib-bibtex."""
    _remember_plugins(app)
    paths = bib_paths(app)
    domain = domain_of(app.env)
    levels = access_config(app.config).parsed
    cache = domain.cache
    encoding = app.config.bibtex_encoding
    if (
        cache is None
        or cache.signature != signature(paths)
        or cache.encoding != encoding
        or set(levels) != domain.data.get("levels")
    ):
        before = {k.lower() for k in cache.data.entries} if cache is not None else set()
        cache = _Cache(*load(paths, encoding, levels))
        after = {k.lower() for k in cache.data.entries}
        domain.data["changed_keys"] = before ^ after
        domain.data["cache"] = cache
        domain.data["levels"] = set(levels)
    if not shares_data(app.config):
        return
    stock = cast("BibtexDomain", app.env.get_domain("cite"))
    stock.data["bibdata"] = _BibData(
        encoding=encoding,
        bibfiles={
            Path(path): BibFile(mtime=mtime, keys=dict.fromkeys(cache.keys_by_file.get(path, ())))
            for path, mtime in cache.signature
        },
        data=cache.data,
    )
    rules = house_rules_on(app.config)
    for problem in cache.problems:
        if rules or problem.kind in PARSE_PROBLEMS:
            warn(problem.kind, problem.message, location=problem.location)
