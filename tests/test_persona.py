"""Tests for the persona package: model rules, loader messages, presets, TOML writer and CLI."""

from __future__ import annotations

import argparse
import re
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from persona import (
    DEFAULT_PERSONA_ID,
    MAX_PERSONA_BYTES,
    PersonaError,
    UnknownPersonaError,
    find_mention,
    get_preset,
    load_persona,
    load_preset_folder,
    load_presets,
    parse_persona,
    register,
    validate_persona_file,
)
from persona.toml_writer import dumps

DATA = Path(__file__).parent / "data" / "personas"
PRESET_DIR = Path(__file__).parent.parent / "persona" / "presets"
PRESET_IDS = sorted(p.stem for p in PRESET_DIR.glob("*.toml"))
LEFTOVER_PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_.\[\]]*\}")

VALID = """\
id = "test-pal"
name = "Pal"
description = "A persona for tests."
traits = ["kind", "curious"]
system_prompt = "You are {name}, an AI. {description} Traits: {traits}. Style: {style}."
greetings = ["Hi {user}!", "Hello {user}, I'm {name}."]
farewells = ["Bye {user}!"]
dont_know = ["I don't know, {user}."]
boundaries = ["no medical advice"]

[style]
formality = "casual"
emoji = "light"
verbosity = "brief"
"""


def with_top(extra: str) -> str:
    """VALID with ``extra`` lines added to the top-level table (before ``[style]``)."""
    return VALID.replace("\n[style]", extra.rstrip("\n") + "\n\n[style]")


def problems_of(text: str) -> list[str]:
    """The problems parse_persona reports for ``text`` (fails the test if it parses)."""
    with pytest.raises(PersonaError) as info:
        parse_persona(text, source="test.toml")
    return info.value.problems


def only_problem(text: str) -> str:
    problems = problems_of(text)
    assert len(problems) == 1, problems
    return problems[0]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hearth")
    register(parser.add_subparsers(dest="command", required=True))
    return parser


def run_cli(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


# --- presets ---------------------------------------------------------------------------------


def test_at_least_five_presets_including_the_default() -> None:
    presets = load_presets()
    assert len(presets) >= 5
    assert sorted(presets) == PRESET_IDS
    assert DEFAULT_PERSONA_ID == "shannon"
    assert get_preset(DEFAULT_PERSONA_ID).name == "Shannon"


@pytest.mark.parametrize("persona_id", PRESET_IDS)
def test_preset_loads_round_trips_and_renders(persona_id: str) -> None:
    persona = load_persona(PRESET_DIR / f"{persona_id}.toml")
    assert persona.id == persona_id
    assert parse_persona(persona.to_toml()) == persona
    assert persona.content_rating == "all_ages"
    assert len(persona.greetings) >= 4
    assert len(persona.farewells) >= 3
    assert len(persona.dont_know) >= 4
    assert persona.traits and persona.boundaries

    prompt = persona.render_system_prompt()
    assert not LEFTOVER_PLACEHOLDER.search(prompt), prompt
    assert persona.name in prompt
    assert "AI" in prompt and "human" in prompt  # honest about what it is
    for item in persona.boundaries:
        assert f"- {item}" in prompt
    for line in (*persona.greetings, *persona.farewells, *persona.dont_know):
        rendered = persona.render_line(line, user="Ada")
        assert "{" not in rendered and "}" not in rendered
        assert find_mention(rendered) is None


@pytest.mark.parametrize("persona_id", PRESET_IDS)
def test_preset_dont_know_lines_are_honest(persona_id: str) -> None:
    lines = " ".join(get_preset(persona_id).dont_know).lower()
    assert "don't know" in lines or "not sure" in lines
    assert "look" in lines or "search" in lines or "internet" in lines


def test_presets_have_distinct_voices() -> None:
    presets = list(load_presets().values())
    assert len({p.name for p in presets}) == len(presets)
    assert len({p.system_prompt for p in presets}) == len(presets)
    assert len({p.greetings[0] for p in presets}) == len(presets)
    assert len({(p.style.formality, p.style.emoji, p.style.verbosity) for p in presets}) >= 4


def test_default_persona_style() -> None:
    shannon = get_preset("shannon")
    assert (shannon.style.formality, shannon.style.emoji, shannon.style.verbosity) == (
        "casual",
        "light",
        "balanced",
    )
    assert "candid about being an AI" in shannon.traits


def test_load_presets_returns_a_fresh_dict() -> None:
    first = load_presets()
    first.clear()
    assert DEFAULT_PERSONA_ID in load_presets()


def test_preset_id_must_match_file_name(tmp_path: Path) -> None:
    (tmp_path / "other-name.toml").write_text(VALID, encoding="utf-8")
    with pytest.raises(PersonaError) as info:
        load_preset_folder(tmp_path)
    assert "does not match the file name 'other-name.toml'" in info.value.problems[0]
    (tmp_path / "other-name.toml").rename(tmp_path / "test-pal.toml")
    assert list(load_preset_folder(tmp_path)) == ["test-pal"]


# --- unknown preset ids ----------------------------------------------------------------------


def test_unknown_persona_suggests_close_ids() -> None:
    with pytest.raises(UnknownPersonaError) as info:
        get_preset("shanon")
    error = info.value
    assert isinstance(error, LookupError)
    assert error.persona_id == "shanon"
    assert error.suggestions == ["shannon"]
    message = str(error)
    assert "did you mean 'shannon'?" in message
    for persona_id in PRESET_IDS:
        assert persona_id in message


def test_unknown_persona_without_close_match_lists_all() -> None:
    with pytest.raises(UnknownPersonaError) as info:
        get_preset("qqqqqqqq")
    assert info.value.suggestions == []
    assert "did you mean" not in str(info.value)
    assert info.value.available == PRESET_IDS


def test_get_preset_ignores_case_and_accepts_display_name() -> None:
    assert get_preset("  SHANNON ").id == "shannon"
    assert get_preset("Holloway").id == "holloway"


# --- model rules and messages ----------------------------------------------------------------


def test_valid_text_parses_with_defaults() -> None:
    persona = parse_persona(VALID)
    assert persona.language == "en"
    assert persona.content_rating == "all_ages"
    assert persona.avatar_url is None and persona.llm is None
    assert persona.traits == ("kind", "curious")


def test_render_system_prompt_is_readable() -> None:
    prompt = parse_persona(VALID).render_system_prompt()
    assert "Traits: kind, curious." in prompt
    assert "a casual, relaxed tone" in prompt
    assert "short replies" in prompt


def test_unknown_field_lists_allowed_and_suggests() -> None:
    problem = only_problem(with_top('greting = ["hey"]'))
    assert problem.startswith("field `greting`: unknown field")
    assert "did you mean `greetings`?" in problem
    assert "allowed fields: id, name, description" in problem


def test_unknown_field_far_from_anything_has_no_suggestion() -> None:
    problem = only_problem(VALID.replace('id = "test-pal"', 'id = "test-pal"\nzzz = 1'))
    assert problem.startswith("field `zzz`: unknown field; allowed fields: id, name")
    assert "did you mean" not in problem


def test_unknown_nested_field_lists_that_tables_fields() -> None:
    problem = only_problem(VALID.replace('emoji = "light"', 'emoji = "light"\ncolour = "red"'))
    assert problem == (
        "field `style.colour`: unknown field; allowed fields: formality, emoji, verbosity"
    )


def test_too_long_description_names_count_and_limit() -> None:
    text = VALID.replace("A persona for tests.", "d" * 213)
    assert only_problem(text) == "field `description`: 213 characters, at most 200 allowed"


def test_name_longer_than_discord_nickname_limit() -> None:
    text = VALID.replace('name = "Pal"', f'name = "{"n" * 33}"')
    assert only_problem(text) == "field `name`: 33 characters, at most 32 allowed"


def test_name_is_stripped_and_blank_rejected() -> None:
    assert parse_persona(VALID.replace('"Pal"', '"  Pal  "')).name == "Pal"
    assert only_problem(VALID.replace('"Pal"', '"   "')) == "field `name`: must not be blank"


def test_bad_literal_lists_expected_values() -> None:
    text = VALID.replace('emoji = "light"', 'emoji = "tons"')
    assert only_problem(text) == (
        "field `style.emoji`: 'tons' is not allowed; expected one of: none, light, lots"
    )


def test_bad_content_rating_lists_expected_values() -> None:
    problem = only_problem(with_top('content_rating = "pg"'))
    assert problem == (
        "field `content_rating`: 'pg' is not allowed; expected one of: all_ages, teen, mature"
    )


def test_missing_field_is_required() -> None:
    assert only_problem(VALID.replace('name = "Pal"\n', "")) == "field `name`: required"


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "data:image/png;base64,AAAA", "javascript:alert(1)", "ftp://x.org/a"],
)
def test_non_http_avatar_rejected(url: str) -> None:
    problem = only_problem(with_top(f'avatar_url = "{url}"'))
    assert problem == f"field `avatar_url`: must be an http:// or https:// URL, got '{url}'"


def test_http_avatar_accepted() -> None:
    persona = parse_persona(with_top('avatar_url = "https://example.org/pal.png"'))
    assert persona.avatar_url == "https://example.org/pal.png"


def test_list_limits_are_reported() -> None:
    traits = ", ".join(f'"t{i}"' for i in range(13))
    text = VALID.replace('traits = ["kind", "curious"]', f"traits = [{traits}]")
    assert only_problem(text) == "field `traits`: 13 items, at most 12 allowed"
    text = VALID.replace('farewells = ["Bye {user}!"]', "farewells = []")
    assert only_problem(text) == "field `farewells`: 0 items, at least 1 item required"


def test_item_too_long_names_its_index() -> None:
    text = VALID.replace('"kind", "curious"', f'"kind", "{"c" * 41}"')
    assert only_problem(text) == "field `traits[1]`: 41 characters, at most 40 allowed"


def test_wrong_types_are_explained() -> None:
    problems = problems_of(VALID.replace('traits = ["kind", "curious"]', 'traits = "kind"'))
    assert problems == [
        'field `traits`: expected a list like ["...", "..."], got a string (\'kind\')'
    ]
    problems = problems_of(VALID.replace('name = "Pal"', "name = 42"))
    assert problems == ["field `name`: expected a string, got an integer (42)"]


def test_llm_overrides_limits() -> None:
    text = VALID + "\n[llm]\ntemperature = 2.5\ntop_p = true\nmax_tokens = 9000\n"
    assert problems_of(text) == [
        "field `llm.temperature`: 2.5 is too large; at most 2 allowed",
        "field `llm.top_p`: expected a number, got a boolean (true)",
        "field `llm.max_tokens`: 9000 is too large; at most 8192 allowed",
    ]
    ok = parse_persona(VALID + '\n[llm]\ntemperature = 1\nmodel = "llama3.1:8b"\n')
    assert ok.llm is not None and ok.llm.temperature == 1.0 and ok.llm.model == "llama3.1:8b"


@pytest.mark.parametrize(
    ("code", "expected"),
    [("en", "en"), ("EN-gb", "en-GB"), ("fr", "fr"), ("zh-hant-tw", "zh-Hant-TW")],
)
def test_language_codes_are_normalised(code: str, expected: str) -> None:
    assert parse_persona(with_top(f'language = "{code}"')).language == expected


@pytest.mark.parametrize("code", ["english", "e", "en_GB", "en-", "123"])
def test_bad_language_codes(code: str) -> None:
    problem = only_problem(with_top(f'language = "{code}"'))
    assert problem.startswith(f"field `language`: '{code}' is not a language code")
    assert "'en-GB'" in problem


@pytest.mark.parametrize("bad_id", ["Pal", "p", "-pal", "pal bot", "a" * 33])
def test_bad_ids(bad_id: str) -> None:
    problem = only_problem(VALID.replace('"test-pal"', f'"{bad_id}"'))
    assert problem.startswith(f"field `id`: '{bad_id}' is not a valid id")


def test_control_characters_and_line_breaks_refused() -> None:
    assert only_problem(VALID.replace('"Pal"', '"P\\u0007al"')) == (
        "field `name`: contains a control character (U+0007); remove it"
    )
    assert only_problem(VALID.replace('"kind"', '"ki\\nnd"')) == (
        "field `traits[0]`: must be a single line (contains a line break)"
    )


def test_persona_is_frozen_and_hashable() -> None:
    persona = parse_persona(VALID)
    with pytest.raises(ValidationError):
        persona.name = "Other"  # type: ignore[misc]
    assert hash(persona) == hash(parse_persona(VALID))


# --- templates -------------------------------------------------------------------------------


def test_unknown_system_prompt_placeholder_names_it_and_allowed() -> None:
    problem = only_problem(VALID.replace("Traits: {traits}", "Traits: {trait}"))
    assert problem.startswith("field `system_prompt`: unknown placeholder {trait}")
    assert "did you mean {traits}?" in problem
    assert (
        "allowed placeholders: {name}, {description}, {traits}, {style}, {boundaries}, {language}"
        in problem
    )


def test_line_placeholders_are_restricted() -> None:
    problem = only_problem(VALID.replace('"Bye {user}!"', '"Bye {user}, from {description}"'))
    assert problem.startswith("field `farewells[0]`: unknown placeholder {description}")
    assert problem.endswith("allowed placeholders: {user}, {name}")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Hi {user", "broken braces"),
        ("Hi user}", "broken braces"),
        ("Hi {}", "empty placeholder {}"),
        ("Hi {user.__class__}", "unknown placeholder {user.__class__}"),
        ("Hi {user!r}", "placeholder {user!r} may not have a format spec"),
        ("Hi {name:>40}", "placeholder {name:>40} may not have a format spec"),
    ],
)
def test_broken_templates(line: str, expected: str) -> None:
    problem = only_problem(VALID.replace('"Hi {user}!"', f'"{line}"'))
    assert problem.startswith(f"field `greetings[0]`: {expected}")


def test_escaped_braces_render_literally() -> None:
    persona = parse_persona(VALID.replace('"Hi {user}!"', '"Hi {user} {{not a placeholder}}"'))
    assert persona.render_line(persona.greetings[0], user="Ada") == "Hi Ada {not a placeholder}"


def test_render_line_inserts_user_verbatim_and_validates_template() -> None:
    persona = parse_persona(VALID)
    assert persona.render_line(persona.greetings[1], user="{name}") == "Hello {name}, I'm Pal."
    with pytest.raises(PersonaError) as info:
        persona.render_line("Hi {traits}", user="Ada")
    assert "unknown placeholder {traits}" in info.value.problems[0]


# --- mentions --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("smuggled", "shown"),
    [
        ("@everyone", "@everyone"),
        ("@here", "@here"),
        ("@\u200beveryone", "@everyone"),
        ("@ev\u200cery\u2060one", "@everyone"),
        ("\uff20everyone", "@everyone"),
        ("\ufe6bhere", "@here"),
        ("@\ufeffhe\u00adre", "@here"),
        ("@EVERYONE", "@everyone"),
        ("<@123456789>", "<@123456789>"),
        ("<@!123>", "<@!123>"),
        ("<@&987>", "<@&987>"),
        ("<\uff20&\uff11\uff12\uff13>", "<@&123>"),
        ("<@\u200b!42>", "<@!42>"),
    ],
)
def test_mentions_are_caught_even_when_disguised(smuggled: str, shown: str) -> None:
    text = VALID.replace('"Bye {user}!"', '"Bye {user}!", "Hey ' + smuggled + '"')
    assert only_problem(text) == (
        f"field `farewells[1]`: contains a mention ({shown}); personas may not ping people or roles"
    )


@pytest.mark.parametrize(
    ("old", "new", "path"),
    [
        ('"Pal"', '"Pal @here"', "name"),
        ('"kind"', '"kind @everyone"', "traits[0]"),
        ('"no medical advice"', '"<@&1>"', "boundaries[0]"),
        ("A persona for tests.", "Ping @\u200beveryone", "description"),
        ("You are {name}", "Tell @everyone you are {name}", "system_prompt"),
    ],
)
def test_mentions_caught_in_every_text_field(old: str, new: str, path: str) -> None:
    problem = only_problem(VALID.replace(old, new))
    assert problem.startswith(f"field `{path}`: contains a mention")


def test_mention_assembled_from_name_and_line_is_caught() -> None:
    text = VALID.replace('"Pal"', '"Pal @"').replace('"Hi {user}!"', '"{name}everyone"')
    assert only_problem(text) == (
        "field `greetings[0]`: renders to text containing a mention (@everyone); "
        "personas may not ping people or roles"
    )


def test_ordinary_at_signs_are_fine() -> None:
    persona = parse_persona(VALID.replace('"Bye {user}!"', '"Bye {user}! Mail me@example.org"'))
    assert "me@example.org" in persona.farewells[0]
    assert find_mention("meet me @ noon, <@name>") is None


# --- with_changes ----------------------------------------------------------------------------


def test_with_changes_returns_validated_copy() -> None:
    persona = parse_persona(VALID)
    changed = persona.with_changes(name="Buddy", **{"style.emoji": "lots"})
    assert (changed.name, changed.style.emoji, changed.style.verbosity) == (
        "Buddy",
        "lots",
        "brief",
    )
    assert persona.name == "Pal" and persona.style.emoji == "light"
    tuned = persona.with_changes(**{"llm.temperature": "0.5"})
    assert tuned.llm is not None and tuned.llm.temperature == 0.5
    with_avatar = persona.with_changes(avatar_url="https://example.org/a.png")
    assert with_avatar.with_changes(avatar_url=None).avatar_url is None


def test_with_changes_rejects_bad_values_with_the_same_messages() -> None:
    persona = parse_persona(VALID)
    with pytest.raises(PersonaError) as info:
        persona.with_changes(**{"style.emoji": "tons"})
    assert info.value.problems == [
        "field `style.emoji`: 'tons' is not allowed; expected one of: none, light, lots"
    ]
    assert str(info.value).startswith("persona 'test-pal': 1 problem\n")
    with pytest.raises(PersonaError) as info:
        persona.with_changes(greetings=["Hi @everyone"], nmae="x")
    assert info.value.problems[0].startswith("field `greetings[0]`: contains a mention")
    assert "did you mean `name`?" in info.value.problems[1]


# --- TOML syntax, files ----------------------------------------------------------------------


def test_toml_syntax_error_reports_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(VALID.replace('name = "Pal"', "name = Pal"), encoding="utf-8")
    problems = validate_persona_file(path)
    assert problems == [
        'line 2, column 8: invalid value (text values need quotes, e.g. name = "Shannon")'
    ]


def test_toml_error_at_end_of_file() -> None:
    problem = only_problem('id = "x')
    assert problem.startswith("line 1 (end of file): unterminated string")


def test_persona_error_str_has_source_count_and_lines() -> None:
    with pytest.raises(PersonaError) as info:
        parse_persona(with_top("zzz = 1").replace('name = "Pal"\n', ""), source="mine.toml")
    lines = str(info.value).splitlines()
    assert lines[0] == "mine.toml: 2 problems"
    assert lines[1] == "  - field `name`: required"
    assert lines[2].startswith("  - field `zzz`: unknown field")


def test_missing_file(tmp_path: Path) -> None:
    assert validate_persona_file(tmp_path / "nope.toml") == ["file not found"]


def test_directory_instead_of_file(tmp_path: Path) -> None:
    assert validate_persona_file(tmp_path) == ["is a directory, expected a .toml file"]


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes(VALID.replace("Pal", "Pâl").encode("latin-1"))
    [problem] = validate_persona_file(path)
    assert problem.startswith("not valid UTF-8 text (byte 0xe2 on line 2)")


def test_too_big(tmp_path: Path) -> None:
    path = tmp_path / "big.toml"
    path.write_text(VALID + "#" * MAX_PERSONA_BYTES, encoding="utf-8")
    [problem] = validate_persona_file(path)
    assert problem.startswith(f"file is {path.stat().st_size:,} bytes, at most 65,536 (64 KiB)")
    assert only_problem(VALID + "#" * MAX_PERSONA_BYTES).startswith("file is ")


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + VALID.encode("utf-8"))
    assert load_persona(path) == parse_persona(VALID)


def test_example_files() -> None:
    assert validate_persona_file(DATA / "valid_minimal.toml") == []
    problems = validate_persona_file(DATA / "bad_many_problems.toml")
    joined = "\n".join(problems)
    assert len(problems) == 6, problems
    for expected in (
        "field `colour`: unknown field",
        "field `avatar_url`: must be an http:// or https:// URL, got 'file:///etc/passwd'",
        "field `system_prompt`: unknown placeholder {hobbies}",
        "field `greetings[1]`: contains a mention (@everyone)",
        "field `dont_know`: required",
        "field `style.emoji`: 'tons' is not allowed; expected one of: none, light, lots",
    ):
        assert expected in joined
    assert validate_persona_file(DATA / "bad_syntax.toml")[0].startswith("line 4, column 17:")


# --- TOML writer -----------------------------------------------------------------------------


def test_to_toml_round_trips_awkward_text() -> None:
    tricky = 'Quote " back\\slash \t tab """ triple \u00e9\u4e2d\U0001f525 and \\u0041'
    persona = parse_persona(VALID).with_changes(
        description="d" + tricky[:150],
        system_prompt='Line one {name}\n\n  indented """ {{braces}}\r\nend\\',
        greetings=[tricky, "multi\nline {user}"],
        llm={"temperature": 0.1, "max_tokens": 5},
    )
    text = persona.to_toml()
    assert parse_persona(text) == persona
    assert '"""' in text  # multi-line strings stay readable


printable_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.text(min_size=1, max_size=10),
        st.one_of(
            printable_text,
            st.booleans(),
            st.integers(min_value=-(2**63), max_value=2**63 - 1),
            st.floats(allow_nan=False),
            st.lists(printable_text, max_size=4),
        ),
        max_size=5,
    )
)
def test_toml_writer_round_trips_through_tomllib(data: dict[str, object]) -> None:
    document = {"top": data, "table": {"value": "x"}}
    parsed = tomllib.loads(dumps(document, header_comment="generated"))
    assert parsed == {
        "top": {k: list(v) if isinstance(v, tuple) else v for k, v in data.items()},
        "table": {"value": "x"},
    }


# --- CLI -------------------------------------------------------------------------------------


def test_cli_validate_ok(capsys: pytest.CaptureFixture[str]) -> None:
    path = PRESET_DIR / "shannon.toml"
    assert run_cli(["persona", "validate", str(path)]) == 0
    assert capsys.readouterr().out == f"{path}: ok (Shannon, shannon)\n"


def test_cli_validate_reports_problems_and_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = DATA / "valid_minimal.toml"
    bad = DATA / "bad_many_problems.toml"
    missing = tmp_path / "missing.toml"
    assert run_cli(["persona", "validate", str(good), str(bad), str(missing)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{good}: ok (Pal, minimal-pal)"
    assert out[1] == f"{bad}: 6 problems"
    assert (
        "  - field `style.emoji`: 'tons' is not allowed; expected one of: none, light, lots" in out
    )
    assert out[-2:] == [f"{missing}: 1 problem", "  - file not found"]


def test_cli_requires_a_file_and_a_subcommand() -> None:
    parser = build_parser()
    with pytest.raises(SystemExit) as info:
        parser.parse_args(["persona", "validate"])
    assert info.value.code == 2
    with pytest.raises(SystemExit):
        parser.parse_args(["persona"])
