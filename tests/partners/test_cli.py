"""`python -m partners check|new` (serve: tests/partners/test_serve.py)."""

from partners.__main__ import main


def test_check_passes_good_records(synthetic_content, capsys):
    content, fields = synthetic_content
    assert main(["check", str(content)]) == 0
    assert capsys.readouterr().out == f"Alle {len(fields)} partnerrecords zijn in orde.\n"


def test_check_lists_every_problem_and_fails(synthetic_content, capsys):
    content, fields = synthetic_content
    broken = content / "partners" / f"{fields[3]['Slug']}.md"
    broken.write_text(broken.read_text().replace(f"Type: {fields[3]['Type']}", "Type: club"))
    (content / fields[5]["Logo"]).write_bytes(b"GIF89a")
    assert main(["check", str(content)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"{broken}:3: Type: moet een van deze zijn")
    assert err[1].endswith(f"Logo: {fields[5]['Slug']}.svg: dit is geen SVG-, PNG-, JPEG- of WebP-afbeelding")
    assert err[2] == f"2 fouten gevonden in {content / 'partners'}."


def test_new_scaffolds_a_valid_record_once(content_dir, capsys):
    args = [
        "new",
        "Gemeente Súdwest-Fryslân",
        "--type",
        "overheid",
        "--since",
        "2024-05-01",
        "--content",
        str(content_dir),
    ]
    assert main(args) == 0
    target = content_dir / "partners" / "gemeente-sudwest-fryslan.md"
    assert capsys.readouterr().out == f"Aangemaakt: {target}\n"
    assert target.read_text().startswith("Title: Gemeente Súdwest-Fryslân\nSlug: gemeente-sudwest-fryslan\n")
    assert main(["check", str(content_dir)]) == 0
    assert main(args) == 1
    assert "bestaat al" in capsys.readouterr().err


def test_new_refuses_a_name_the_schema_refuses(content_dir, capsys):
    assert main(["new", "X", "--type", "overheid", "--content", str(content_dir)]) == 1
    assert "Kan geen record maken: Title: moet minstens 2 tekens lang zijn" in capsys.readouterr().err
    assert not list((content_dir / "partners").iterdir())
