"""Every code block of README.md and docs/**/*.md runs or is checked (markdown_blocks.py).

* ``python``: a page's blocks run in order in one fresh interpreter (one namespace, so later
  blocks see what earlier ones defined), cwd a temporary directory; a ``text`` block right after
  a Python block must equal what that block printed. ``docs-test: serve`` starts the documented
  sync server on loopback first, so the client example talks to a real server.
* ``sh`` (or ``bash``, ``shell``): each command must exist: ``./run SUB`` is a subcommand of ./run, ``python -m MOD SUB
  --flag`` and ``python SCRIPT --flag`` have those flags in their ``--help``, ``pip install``
  names extras that pyproject.toml defines, ``cmake -DCRDTCORE_X`` names a CMake option.
* ``cpp``: the C++ quickstart is tests/cmake_consumer/main.cpp, byte for byte; CTest's
  cmake_consumer_* tests compile and run that file (against the installed package and through
  FetchContent) and check its output, and cmake_consumer_readme checks README's copy too.
* ``cmake``: each code line is a line of tests/cmake_consumer/CMakeLists.txt (``my_app`` read as
  ``consumer``), the project the cmake_consumer_* tests build.
* ``text``: output, diagrams and data, not run.
"""

from __future__ import annotations

import json
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
from markdown_blocks import ROOT, Block, read_blocks

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
LANGUAGES = {"python", "text", "sh", "bash", "shell", "cpp", "cmake"}
SHELLS = ("sh", "bash", "shell")
CONSUMER = ROOT / "tests" / "cmake_consumer"
SEPARATOR = "----- docs-test: next block -----"
# Runs the blocks (a JSON list of [file, line, code]) in one namespace, a separator before each,
# the code padded with newlines so tracebacks show the Markdown file's line numbers.
DRIVER = f"""
import json, sys
namespace = {{"__name__": "__main__"}}
for path, line, code in json.load(open(sys.argv[1], encoding="utf-8")):
    print({SEPARATOR!r}, flush=True)
    exec(compile("\\n" * line + code, path, "exec"), namespace)
print({SEPARATOR!r}, flush=True)
"""


def _page_id(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _blocks(page: Path, lang: str) -> list[Block]:
    langs = SHELLS if lang == "sh" else (lang,)
    return [b for b in read_blocks(page) if b.lang in langs and b.directive != "skip"]


def _pages_with(lang: str) -> list[Path]:
    """The pages with blocks in ``lang`` (and those that do not parse, so that they fail)."""
    pages = []
    for page in PAGES:
        try:
            if _blocks(page, lang):
                pages.append(page)
        except (ValueError, OSError):
            pages.append(page)
    return pages


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_fences_are_known(page: Path) -> None:
    """Every fence names a language this test knows; a skip is rare and gives its reason."""
    blocks = read_blocks(page)
    unknown = [f"{b.where}: ```{b.lang}" for b in blocks if b.lang not in LANGUAGES]
    assert not unknown, f"languages this test does not check: {unknown} (known: {LANGUAGES})"
    skipped = [b for b in blocks if b.directive == "skip"]
    assert len(skipped) <= 1, f"more than one skipped block in {page.name}: {skipped}"


def test_pages_found() -> None:
    """The test sees the README, the guide and the included INTERNALS.md (not an empty list)."""
    names = {_page_id(p) for p in PAGES}
    assert {"README.md", "docs/index.md", "docs/internals.md"} <= names
    assert any(b.path.name == "INTERNALS.md" for b in read_blocks(ROOT / "docs/internals.md"))
    assert sum(len(_blocks(p, "python")) for p in PAGES) >= 20


# --- python ----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _command_lines(code: str) -> list[str]:
    """The shell commands of a block: continuation lines joined, comments and blanks dropped."""
    commands = []
    for line in code.replace("\\\n", " ").split("\n"):
        words = shlex.split(line, comments=True)
        if words:
            commands.append(shlex.join(words))
    return commands


class _Server:
    """The command of a ``docs-test: serve`` block, run on a free port in ``cwd``."""

    def __init__(self, block: Block, cwd: Path) -> None:
        (command,) = _command_lines(block.code)
        words = shlex.split(command)
        assert words[:3] == ["python", "-m", "crdtcore"] and "--port" in words, block.where
        at = words.index("--port") + 1
        self.written_port, self.port = words[at], str(_free_port())
        words[at] = self.port
        self.process = subprocess.Popen(
            [sys.executable, *words[1:]],
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + 120  # importing crdtcore may rebuild the extension
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"{block.where}: the server exited: {self.process.stdout.read()}")  # type: ignore[union-attr]
            try:
                socket.create_connection(("127.0.0.1", int(self.port)), timeout=1).close()
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        pytest.fail(f"{block.where}: the server did not listen on port {self.port}")

    def rewrite(self, code: str) -> str:
        """``code`` with the written port replaced by the real one (in ``host:port``)."""
        return code.replace(f"127.0.0.1:{self.written_port}", f"127.0.0.1:{self.port}")

    def stop(self) -> tuple[int, str]:
        """Stops the server as a user would (SIGINT); returns its exit status and output."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            out, _ = self.process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            out, _ = self.process.communicate()
        return self.process.returncode, out


@pytest.mark.parametrize("page", _pages_with("python"), ids=_page_id)
def test_python_blocks_run(page: Path, tmp_path: Path) -> None:
    """The page's Python blocks run in order as one program, and print what the page shows."""
    blocks = _blocks(page, "python")
    servers = [_Server(b, tmp_path) for b in read_blocks(page) if b.directive == "serve"]
    try:
        code = []
        for block in blocks:
            source = block.code
            for server in servers:
                source = server.rewrite(source)
            code.append([str(block.path), block.line, source])
        script = tmp_path / "blocks.json"
        script.write_text(json.dumps(code), encoding="utf-8")
        run = subprocess.run(
            [sys.executable, "-c", DRIVER, str(script)],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=600,
        )
    finally:
        stopped = [server.stop() for server in servers]
    outputs = run.stdout.split(SEPARATOR + "\n")[1:]
    failed = blocks[len(outputs) - 1].where if 0 < len(outputs) <= len(blocks) else "?"
    assert run.returncode == 0, f"{failed} failed:\n{run.stdout[-3000:]}\n{run.stderr[-6000:]}"
    assert len(outputs) == len(blocks) + 1
    for block, printed in zip(blocks, outputs, strict=False):
        if block.output is not None:
            assert printed.rstrip() == block.output.rstrip(), f"{block.where}: output differs"
    for rc, out in stopped:
        assert rc == 0, f"the docs' server exited with {rc}:\n{out}"


# --- sh --------------------------------------------------------------------------------------


def _help(argv: list[str]) -> str:
    run = subprocess.run(
        [sys.executable, *argv, "--help"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, f"{argv} --help failed: {run.stderr}"
    return run.stdout


def _check_flags(words: list[str], help_text: str, command: str) -> None:
    for word in words:
        if word.startswith("--"):
            flag = word.split("=", 1)[0]
            assert re.search(rf"(?<![\w-]){re.escape(flag)}(?![\w-])", help_text), (
                f"`{command}`: {flag} is not in its --help"
            )


def _run_subcommands() -> set[str]:
    text = (ROOT / "run").read_text(encoding="utf-8")
    return set(re.findall(r"^\s*([a-z]+)\) cmd_\w+", text, re.MULTILINE))


def _pyproject_extras() -> set[str]:
    with open(ROOT / "pyproject.toml", "rb") as f:
        return set(tomllib.load(f)["project"]["optional-dependencies"])


def _cmake_options() -> set[str]:
    text = "\n".join(
        p.read_text(encoding="utf-8")
        for p in [ROOT / "CMakeLists.txt", *(ROOT / "cmake").glob("*.cmake")]
        if p.is_file()
    )
    return set(re.findall(r"\b(CRDTCORE_[A-Z_]+)\b", text))


def _check_command(command: str) -> None:
    words = shlex.split(command)
    program, args = words[0], words[1:]
    if program == "./run":
        assert args and args[0] in _run_subcommands(), f"`{command}`: no such ./run subcommand"
        if args[0] == "demo" and len(args) > 1:
            _check_flags(args[1:], _help(["-m", "crdtcore", "simulate"]), command)
        elif args[0] == "bench" and len(args) > 1:
            _check_flags(args[1:], _help(["bench/run.py"]), command)
    elif program in ("python", "python3") and args[:1] == ["-m"]:
        module, rest = args[1], args[2:]
        sub = [rest[0]] if rest and not rest[0].startswith("-") else []
        _check_flags(rest, _help(["-m", module, *sub]), command)
    elif program in ("python", "python3"):
        script = ROOT / args[0]
        assert script.is_file(), f"`{command}`: {args[0]} does not exist"
        _check_flags(args[1:], _help(args[:1]), command)
    elif program == "crdtcore":  # the console script runs python -m crdtcore
        sub = [args[0]] if args and not args[0].startswith("-") else []
        _check_flags(args, _help(["-m", "crdtcore", *sub]), command)
    elif program == "pip" and args[:1] == ["install"]:
        extras = _pyproject_extras()
        for spec in args[1:]:
            if spec.startswith("-"):
                continue
            match = re.fullmatch(r"(?:\.|crdtcore)(?:\[([\w,-]+)\])?", spec)
            assert match, f"`{command}`: {spec!r} is not crdtcore (. or crdtcore[extra])"
            for extra in filter(None, (match.group(1) or "").split(",")):
                assert extra in extras, f"`{command}`: no extra {extra!r} in pyproject.toml"
    elif program == "cmake":
        options = _cmake_options()
        for word in args:
            name = re.match(r"-D(CRDTCORE_\w+)=", word)
            assert name is None or name.group(1) in options, f"`{command}`: unknown {word}"
    else:
        pytest.fail(f"`{command}`: this test has no check for {program!r}; add one")


@pytest.mark.parametrize("page", _pages_with("sh"), ids=_page_id)
def test_shell_commands_exist(page: Path) -> None:
    """The commands of the page's shell blocks exist and accept the flags shown."""
    for block in _blocks(page, "sh"):
        for command in _command_lines(block.code):
            _check_command(command)


# --- cpp and cmake ---------------------------------------------------------------------------


@pytest.mark.parametrize("page", _pages_with("cpp"), ids=_page_id)
def test_cpp_blocks_are_the_tested_program(page: Path) -> None:
    """A C++ block is tests/cmake_consumer/main.cpp, which CTest compiles and runs."""
    main_cpp = (CONSUMER / "main.cpp").read_text(encoding="utf-8")
    for block in _blocks(page, "cpp"):
        assert block.code == main_cpp, (
            f"{block.where}: differs from tests/cmake_consumer/main.cpp "
            '(in docs/, include it: --8<-- "tests/cmake_consumer/main.cpp")'
        )


@pytest.mark.parametrize("page", _pages_with("cmake"), ids=_page_id)
def test_cmake_blocks_are_the_tested_project(page: Path) -> None:
    """Each code line of a CMake block is in tests/cmake_consumer/CMakeLists.txt."""
    consumer = {
        re.sub(r"#.*", "", line).strip()
        for line in (CONSUMER / "CMakeLists.txt").read_text(encoding="utf-8").split("\n")
    }
    for block in _blocks(page, "cmake"):
        for line in block.code.split("\n"):
            code = re.sub(r"#.*", "", line).strip().replace("my_app", "consumer")
            if not code or re.match(r"(cmake_minimum_required|project)\(", code):
                continue
            assert code in consumer, f"{block.where}: `{code}` is not in the consumer project"
