"""The theme's static files in the output: minified CSS and JavaScript, other files as they are."""

import pytest

from partners.plugin.static import minify_css, minify_js, publish_static


@pytest.mark.parametrize(
    "source, expected",
    [
        ("/* uitleg */\n.a  >  .b {\n  color: red;\n  margin: 0 auto;\n}\n", ".a>.b{color:red;margin:0 auto}\n"),
        (".menu a:hover, .x :focus { x: y; }", ".menu a:hover,.x :focus{x:y}\n"),
        ("@media (max-width: 30rem) {\n  .f { a: b; }\n}", "@media (max-width:30rem){.f{a:b}}\n"),
    ],
)
def test_minify_css(source, expected):
    assert minify_css(source) == expected


def test_minify_js_keeps_code_lines():
    source = '(function () {\n  // uitleg\n\n  var a = "//niet weg";\n})();\n'
    assert minify_js(source) == '(function () {\nvar a = "//niet weg";\n})();\n'


def test_publish_static_minifies_and_writes_only_what_changed(tmp_path):
    static = tmp_path / "static"
    (static / "css").mkdir(parents=True)
    (static / "css" / "site.css").write_text("/* uitleg */\n.a { color: red; }\n")
    (static / "img.svg").write_bytes(b"<svg/>")
    out = tmp_path / "out"
    assert publish_static(static, out) == 2
    assert (out / "css" / "site.css").read_text() == ".a{color:red}\n"
    assert (out / "img.svg").read_bytes() == b"<svg/>"
    assert publish_static(static, out) == 0
    (static / "css" / "site.css").write_text(".b { color: blue; }")
    assert publish_static(static, out) == 1
