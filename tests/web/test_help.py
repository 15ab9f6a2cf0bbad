"""Help on every page (R-SKILLS: the software should teach itself): one file per page,
`hoso/web/help/<url name>.md`, shown escaped in base.html's "Hướng dẫn" box; and the user
guide (docs/guide/) served by the node."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from hoso.web.templatetags import hoso_help

VIETNAMESE = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]")


def web_url_names() -> set[str]:
    """Every named URL of the web app (walked as the authorization matrix walks it)."""
    names: set[str] = set()

    def walk(patterns: list, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and namespace == "web" and pattern.name:
                names.add(pattern.name)

    walk(get_resolver().url_patterns, "")
    return names


def sentences(text: str) -> int:
    return len(re.findall(r"[.!?…](?=\s|$)", text))


def test_every_page_has_a_short_vietnamese_help_file():
    names = web_url_names()
    missing = sorted(
        n for n in names - hoso_help.NOT_PAGES if not (hoso_help.HELP_DIR / f"{n}.md").is_file()
    )
    assert not missing, f"Write src/hoso/web/help/NAME.md for: {', '.join(missing)}"
    for name in sorted(names - hoso_help.NOT_PAGES):
        text = (hoso_help.HELP_DIR / f"{name}.md").read_text(encoding="utf-8")
        assert text.strip(), name
        assert len(VIETNAMESE.findall(text.lower())) >= 10, f"{name}: not Vietnamese"
        assert 2 <= sentences(text) <= 8, f"{name}: {sentences(text)} sentences (2–6 short ones)"
        assert len(text) <= 1200, f"{name}: too long for a help box"
        assert "<" not in text and ">" not in text, f"{name}: plain text, no HTML"


def test_the_exempt_names_are_real_endpoints_and_no_help_file_is_stale():
    names = web_url_names()
    assert names >= hoso_help.NOT_PAGES
    files = {p.stem for p in hoso_help.HELP_DIR.glob("*.md")}
    assert not files - names, "help files for pages that do not exist"


def test_help_text_is_parsed_into_paragraphs_and_lists():
    blocks = hoso_help.parse(
        "Một đoạn\nnối dòng.\n\n- mục một\n  tiếp theo\n- mục hai\nĐoạn sau danh sách."
    )
    assert [(b.kind, b.lines) for b in blocks] == [
        ("p", ("Một đoạn nối dòng.",)),
        ("ul", ("mục một tiếp theo", "mục hai")),
        ("p", ("Đoạn sau danh sách.",)),
    ]
    assert hoso_help.help_path("../secret") is None
    assert hoso_help.help_blocks("khong_co_trang_nay") == ()


def test_the_help_box_shows_the_pages_text_and_links_the_guide(as_, people):
    response = as_("quanly").get(reverse("web:work"))
    body = response.content.decode()
    assert '<details class="page-help' in body and "<summary>Hướng dẫn</summary>" in body
    assert "Việc tôi phụ trách" in body.split("<summary>Hướng dẫn</summary>", 1)[1]
    assert f'href="{reverse("web:guide")}">Xem hướng dẫn sử dụng</a>' in body
    # The login page has help too, without the guide's link (it needs a session).
    login = as_("quanly").__class__().get(reverse("web:login")).content.decode()
    assert "<summary>Hướng dẫn</summary>" in login and "Xem hướng dẫn sử dụng" not in login


def test_the_help_text_is_escaped(as_, people, tmp_path, monkeypatch):
    (tmp_path / "search.md").write_text(
        'Chữ <script>alert("x")</script> và <b>đậm</b>.\n\n- mục <i>một</i>\n', encoding="utf-8"
    )
    monkeypatch.setattr(hoso_help, "HELP_DIR", tmp_path)
    hoso_help.help_blocks.cache_clear()
    try:
        body = as_("quanly").get(reverse("web:search")).content.decode()
    finally:
        hoso_help.help_blocks.cache_clear()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body
    assert "<li>mục &lt;i&gt;một&lt;/i&gt;</li>" in body
    assert "<b>đậm</b>" not in body


@pytest.fixture
def people(make_dossier):
    return {"an": make_dossier(full_name="Nguyễn Văn An")}


def test_the_guide_is_served_by_the_node(as_, people, settings):
    client = as_("nhaplieu")
    index = client.get(reverse("web:guide"))
    body = index.content.decode()
    assert index.status_code == 200 and "<h1" in body and "Hướng dẫn sử dụng" in body
    assert f'href="{reverse("web:guide_topic", args=["ho-so-giay"])}"' in body
    assert 'href="#dang-nhap"' in body and 'id="dang-nhap"' in body
    assert 'src="/static/guide/dang-nhap.png"' in body
    topic = client.get(reverse("web:guide_topic", args=["ho-so-giay"]))
    assert topic.status_code == 200 and "Mượn hồ sơ giấy" in topic.content.decode()
    assert client.get(reverse("web:guide_topic", args=["khong-co"])).status_code == 404
    assert client.get(reverse("web:guide_topic", args=["README"])).status_code == 404
    # Its pictures are static files of the node, from docs/guide/img.
    from django.contrib.staticfiles import finders

    assert finders.find("guide/dang-nhap.png") == str(settings.GUIDE_IMAGES / "dang-nhap.png")
    assert client.__class__().get(reverse("web:guide")).status_code == 302  # sign in first


def test_the_guide_reader_escapes_and_keeps_links_inside_the_guide():
    from hoso.web.presenters.guide import render

    blocks = render(
        "# Tiêu đề <b>\n\nXem [đây](http://example.org) và [mục](#dang-nhap), "
        "[tệp](../../README.md), **đậm** `mã`.\n\n![Hình](img/dang-nhap.png)\n\n"
        "1. một\n2. hai\n- ba"
    )
    kinds = [b.kind for b in blocks]
    assert kinds == ["h1", "p", "figure", "ol", "ul"]
    assert blocks[0].items[0] == "Tiêu đề &lt;b&gt;"
    para = str(blocks[1].items[0])
    assert "example.org" not in para and "đây" in para  # a link leaving the guide: text only
    assert '<a href="#dang-nhap">mục</a>' in para and "README" not in para
    assert "<strong>đậm</strong>" in para and "<code>mã</code>" in para
    assert "<img" in str(blocks[2].items[0])
    assert [str(i) for i in blocks[3].items] == ["một", "hai"]


def test_the_one_404_page_shows_no_help_of_the_page_asked_for(as_, people):
    """A refused page answers like a missing one: its help would tell that it exists."""
    client = as_("nhaplieu")
    refused = client.get(reverse("web:paper_loans"))  # records managers only
    missing = client.get("/khong-co-trang-nay/")
    assert refused.status_code == missing.status_code == 404
    assert "page-help" not in refused.content.decode()
    assert "page-help" not in missing.content.decode()
