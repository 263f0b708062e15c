from reportsite.citations.syntax import find_citation_blocks, parse_locator


def test_simple_and_locator_forms():
    md = "A [@zhang-roadmap]. B [@du-alliance, p. 70, ¶12]. C [@ye-governance, ¶12–14]."
    blocks = find_citation_blocks(md)
    assert [c.key for b in blocks for c in b.citations] == ["zhang-roadmap", "du-alliance", "ye-governance"]
    assert blocks[1].citations[0].locator.pages == [(70, 70)]
    assert blocks[1].citations[0].locator.paragraphs == [(12, 12)]
    assert blocks[2].citations[0].locator.paragraph_numbers() == [12, 13, 14]


def test_several_citations_and_prefix():
    (block,) = find_citation_blocks("X [see @rmlt-proposals, ¶4; @zhang-roadmap, ¶7].")
    assert [(c.prefix, c.key, c.locator.paragraphs) for c in block.citations] == [
        ("see", "rmlt-proposals", [(4, 4)]), ("", "zhang-roadmap", [(7, 7)])]


def test_line_and_column_point_at_the_key():
    md = "Title\n\nSome text [@zhang-roadmap, ¶3] and [@x, ¶1]."
    blocks = find_citation_blocks(md)
    assert (blocks[0].citations[0].line, blocks[0].citations[0].column) == (3, 12)
    assert (blocks[1].citations[0].line, blocks[1].citations[0].column) == (3, 37)


def test_chinese_page_locator_and_hyphen_range():
    assert parse_locator("第68页").pages == [(68, 68)]
    assert parse_locator("第68–69页").pages == [(68, 69)]
    assert parse_locator("¶3-5").paragraphs == [(3, 5)]


def test_malformed_and_backwards_locators_are_errors():
    assert "malformed locator 'para 3'" in parse_locator("para 3").errors[0]
    assert "runs backwards" in parse_locator("¶14–12").errors[0]
    assert parse_locator("¶3,").errors


def test_code_spans_fences_links_footnotes_and_emails_are_not_citations():
    md = (
        "Code `[@zhang-roadmap, ¶1]` and a [link @x](http://a.b) and [^1] and [mail me@example.com].\n\n"
        "```\n[@ye-governance, ¶2]\n```\n\n"
        "~~~markdown\n[@ye-governance, ¶3]\n~~~\n\n"
        "Real one [@du-alliance, ¶5].\n"
    )
    blocks = find_citation_blocks(md)
    assert [(b.citations[0].key, b.line) for b in blocks] == [("du-alliance", 11)]
