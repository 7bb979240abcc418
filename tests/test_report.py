from newstrace.cli import main

from conftest import write_jsonl

EVIL = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'


def test_html_report_escapes_article_text(tmp_path, capsys):
    body = ("The harbour master closed the port to all shipping after the storm damaged two piers "
            "and sank three fishing boats at their moorings on Sunday night. ")
    write_jsonl(tmp_path / "a.jsonl", [
        {"id": "a1", "title": EVIL, "source": EVIL, "published": "2016-01-01", "text": EVIL + " " + body},
        {"id": "a2", "title": "Copy", "source": "Other", "published": "2016-01-02",
         "text": body + EVIL + "\n\n“We lost <b>everything</b> in one night,” said <i>Mayor</i> Ana Ruiz."},
    ])
    db = tmp_path / "s.db"
    assert main(["-q", "trace", str(tmp_path / "a.jsonl"), "--db", str(db)]) == 0
    out = tmp_path / "a2.html"
    assert main(["report", "a2", "--db", str(db), "--html", str(out)]) == 0
    page = out.read_text("utf-8")
    assert "<script>" not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert '<mark style="background:' in page and 'href="#passage-0"' in page
    assert "<h2>Quotations</h2>" in page and "“We lost &lt;b&gt;everything&lt;/b&gt; in one night,”" in page
    assert "<b>" not in page and "<i>" not in page
    capsys.readouterr()
    assert main(["report", "a2", "--db", str(db)]) == 0
    text = capsys.readouterr().out
    assert "a1" in text and "earlier" in text and "originality" in text
