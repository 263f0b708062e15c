"""reportsite/theme.py: Material's palette-switching rule is dropped from the built palette stylesheet, nothing else."""

import pytest

from reportsite import theme

CSS = (
    "[data-md-color-scheme=default]{color-scheme:light}"
    "[data-md-color-switching] *,[data-md-color-switching] :after{transition-duration:0s!important}"
    "@media screen{[data-md-color-scheme=slate]{color-scheme:dark}"
    "[data-md-color-switching] :before{transition-duration:0s!important}}"
    "@font-face{font-family:x;src:local(x)}"
)


def test_drops_only_the_rules_that_name_the_attribute_at_any_depth():
    trimmed, removed = theme.without_rules_naming(CSS, theme.SWITCHING_ATTRIBUTE)
    assert removed == 2
    assert trimmed == (
        "[data-md-color-scheme=default]{color-scheme:light}"
        "@media screen{[data-md-color-scheme=slate]{color-scheme:dark}}"
        "@font-face{font-family:x;src:local(x)}"
    )


def test_a_stylesheet_without_the_rule_comes_back_unchanged():
    css = "a{color:red}@media print{a{color:black}}"
    assert theme.without_rules_naming(css, theme.SWITCHING_ATTRIBUTE) == (css, 0)


def test_trims_the_stylesheet_files_in_a_site_directory(tmp_path):
    stylesheets = tmp_path / "assets" / "stylesheets"
    stylesheets.mkdir(parents=True)
    (stylesheets / "palette.abc123.min.css").write_text(CSS, encoding="utf-8")
    (stylesheets / "main.abc123.min.css").write_text(CSS, encoding="utf-8")  # not the palette: left alone
    assert theme.trim_palette_stylesheets(tmp_path) == 2
    assert theme.SWITCHING_ATTRIBUTE not in (stylesheets / "palette.abc123.min.css").read_text(encoding="utf-8")
    assert (stylesheets / "main.abc123.min.css").read_text(encoding="utf-8") == CSS
    assert theme.trim_palette_stylesheets(tmp_path) == 0  # a second run finds nothing more to do


@pytest.mark.build
def test_the_built_palette_stylesheet_lost_only_the_switching_rule(built_site):
    from material import __file__ as material_init
    from pathlib import Path

    [built] = (built_site / "assets" / "stylesheets").glob("palette.*.min.css")
    shipped = Path(material_init).parent / "templates" / "assets" / "stylesheets" / built.name
    original = shipped.read_text(encoding="utf-8")
    assert theme.SWITCHING_ATTRIBUTE in original  # Material still ships the rule this module exists for
    assert built.read_text(encoding="utf-8") == theme.without_rules_naming(original, theme.SWITCHING_ATTRIBUTE)[0]
    assert theme.SWITCHING_ATTRIBUTE not in built.read_text(encoding="utf-8")


# --- Tables framed at build time ---------------------------------------------------------------------

PAGE = '<p>x</p><table><tr><td>1</td></tr></table><table class="kept"><tr><td>2</td></tr></table>'


def test_prewrap_frames_unclassed_tables_as_material_does_and_unwrap_restores_them():
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(PAGE, "html.parser")
    assert theme.prewrap_tables(soup) == 1
    framed = soup.select("div.md-typeset__scrollwrap > div.md-typeset__table > table.prewrapped")
    assert len(framed) == 1 and framed[0].get_text() == "1"
    assert soup.select_one("table.kept").parent.name == "[document]"  # a classed table is not Material's to frame
    assert theme.prewrap_tables(soup) == 0  # framed tables carry a class: a second pass changes nothing
    theme.unwrap_prewrapped_tables(soup)
    assert str(soup) == PAGE


def test_material_table_rules_extend_to_prewrapped_tables_with_the_same_specificity():
    css = ".md-typeset table:not([class]) td,.x table:not([class]){padding:1em}@media print{.a table:not([class]){x:y}}"
    styled, count = theme.with_prewrapped_tables_styled(css)
    assert count == 3
    assert styled == css.replace("table:not([class])", "table:is(:not([class]),.prewrapped)")


def test_an_occurrence_outside_a_selector_stops_the_rewrite():
    css = '.md-typeset table:not([class]){padding:1em}.x:after{content:"table:not([class])"}'
    with pytest.raises(ValueError, match="outside selectors"):
        theme.with_prewrapped_tables_styled(css)


@pytest.mark.build
def test_built_pages_have_only_prewrapped_tables_and_material_styles_them(built_site):
    [main] = (built_site / "assets" / "stylesheets").glob("main.*.min.css")
    css = main.read_text(encoding="utf-8")
    assert theme.UNCLASSED_TABLE not in css and theme.STYLED_TABLE in css
    from bs4 import BeautifulSoup

    for page in ["synthesis/governance-models", "synthesis/agreement-matrix", "sources/du-alliance", "."]:
        soup = BeautifulSoup((built_site / page / "index.html").read_text(encoding="utf-8"), "html.parser")
        tables = soup.select("article table")
        assert tables, page
        for table in tables:
            assert table.get("class") == [theme.PREWRAPPED], page
            assert table.parent.get("class") == ["md-typeset__table"], page
