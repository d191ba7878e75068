"""Reliability figures: hostile inputs, LLM faults and peak memory, written to RELIABILITY.md.

    .venv/bin/python -m benchmarks.reliability [--out RELIABILITY.md] [--skip-slow]

Runs what tests/test_reliability.py asserts and records the figures: the adversarial corpus of
tests/support/adversarial.py through build (HTML and PDF), extract and check as separate
processes; a batch of all of it plus a good article; 50 articles through the LLM path against the
fault server (tests/support/adversarial.FaultServer over
tests/support/llm_server.FakeOpenAIServer); peak resident memory (the kernel's accounting of the
finished child, os.wait4) of a build given the 5 MB article and of a 200-article batch (the folder
benchmarks/many.py builds). Everything is generated in a temporary folder; nothing
touches the network beyond 127.0.0.1.
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from tests.support.adversarial import (
    BIDI_CONTROLS,
    COMMANDS,
    FAULT_CONFIG,
    FAULT_KINDS,
    INJECTED_CLAIM,
    INVENTED_QUOTES,
    FaultServer,
    HitCounter,
    briefing,
    clean_env,
    command,
    corpus_cases,
    fault_articles,
    flagged_terms,
    live_markup,
    varied_copies,
    write_batch,
    write_corpus,
)

ROOT = Path(__file__).resolve().parent.parent


def flat(text: str) -> str:
    return " ".join(text.split())


def git(*args: str) -> str:
    try:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


# ---------------------------------------------------------------------------------------------
# hostile inputs


def judge(case, name: str, run, out: Path) -> list[str]:
    """What went wrong with one command on one input ([] when it behaved)."""
    problems = []
    if run.code is None:
        return [f"hung (> {run.seconds:.0f} s)"]
    if "Traceback" in run.out + run.err:
        problems.append("traceback")
    if any(not line.startswith("briefing: ") for line in run.lines()):
        problems.append("a message of more than one line")
    if name == "check":
        bad = not case.ok or case.check
        expected = {2} if bad else {0, 1}
        if run.code not in expected:
            problems.append(f"exit {run.code}")
        if bad and not (len(run.lines()) == 1 and (case.check_error or case.error) in run.err):
            problems.append("no one-line error naming the file")
        return problems
    if run.code != (0 if case.ok else 2):
        problems.append(f"exit {run.code}")
    if not case.ok:
        named = [
            line for line in run.lines() if line.startswith(f"briefing: skipped {case.name}: ")
        ]
        if len(named) != 1 or case.error not in named[0]:
            problems.append("no one-line error naming the file")
    elif name == "build-html":
        html = (out / f"{case.name.replace('/', '_')}.html").read_text(encoding="utf-8")
        problems += [f"live markup: {p}" for p in live_markup(html)]
        if BIDI_CONTROLS.search(html):
            problems.append("bidi control characters on the page")
    return problems


def hostile_inputs(tmp: Path) -> dict:
    cases = corpus_cases()
    corpus, out = tmp / "corpus", tmp / "out"
    out.mkdir()
    with HitCounter() as hits:
        write_corpus(corpus, port=hits.port)
        jobs = {(c.name, n): command(c, n, out) for c in cases for n in COMMANDS}
        with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
            futures = {
                k: pool.submit(briefing, *a, cwd=corpus, unreadable=k[0] == "unreadable.txt")
                for k, a in jobs.items()
            }
            runs = {k: f.result() for k, f in futures.items()}
        folder, good, bad = write_batch(tmp / "batch", corpus, cases)
        batch = {
            fmt: briefing(
                "build", str(folder), "-o", str(tmp / f"batch.{fmt}"), cwd=tmp, unreadable=True
            )
            for fmt in ("json", "html", "pdf")
        }
        fetched = hits.hits
    rows = []
    for c in cases:
        problems = {n: judge(c, n, runs[(c.name, n)], out) for n in COMMANDS}
        rows.append(
            {
                "case": c,
                "codes": {n: runs[(c.name, n)].code for n in COMMANDS},
                "seconds": max(runs[(c.name, n)].seconds for n in COMMANDS),
                "problems": [f"{n}: {p}" for n, ps in problems.items() for p in ps],
                "xss_blocked": c.xss
                if not any("live markup" in p for ps in problems.values() for p in ps)
                else 0,
            }
        )
    data = json.loads((tmp / "batch.json").read_text(encoding="utf-8"))
    found = [s["article_id"] for s in data["sources"]]
    listed = [s["path"] for s in data["skipped"]]
    batch_html = (tmp / "batch.html").read_text(encoding="utf-8")
    return {
        "rows": rows,
        "fetched": fetched,
        "batch": {
            "codes": {k: r.code for k, r in batch.items()},
            "tracebacks": sum("Traceback" in r.err for r in batch.values()),
            "good": len(good),
            "lost": sorted(set(good) - set(found)),
            "duplicated": len(found) - len(set(found)),
            "bad": len(bad),
            "unlisted": sorted(set(bad) - set(listed)),
            "live": live_markup(batch_html),
        },
    }


# ---------------------------------------------------------------------------------------------
# LLM faults


def faults(tmp: Path) -> dict:
    base = tmp / "faults"
    folder = fault_articles(base / "articles", 50)
    (base / "briefing.toml").write_text(FAULT_CONFIG, encoding="utf-8")
    ids = sorted(p.stem for p in folder.iterdir())
    with FaultServer(seed=7, rate=0.3, sleep=3.0) as server:
        env = clean_env(
            OPENAI_API_KEY="sk-reliability",
            OPENAI_BASE_URL=server.base_url,
            BRIEFING_BACKEND="openai",
            BRIEFING_CACHE=str(base / "cache.sqlite"),
        )
        first = briefing("build", folder.name, "-o", "brief.json", cwd=base, env=env)
        injected, calls = collections.Counter(server.injected), server.calls
        rest = [
            briefing("build", folder.name, "-o", out, cwd=base, env=env)
            for out in ("brief.html", "brief.txt")
        ]
        extract = briefing("extract", folder.name, "--format", "jsonl", cwd=base, env=env)
    data = json.loads((base / "brief.json").read_text(encoding="utf-8"))
    outputs = [
        flat((base / n).read_text(encoding="utf-8"))
        for n in ("brief.html", "brief.txt", "brief.json")
    ]
    kept_claims, kept_text = 0, []
    for d in map(json.loads, extract.out.splitlines()):
        llm = d.get("llm") or {}
        kept_text.append(
            flat(json.dumps({k: v for k, v in llm.items() if k != "withheld"}, ensure_ascii=False))
        )
        kept_claims += sum(x["text"] == INJECTED_CLAIM for x in llm.get("bottom_line", []))
    runs = [first, *rest, extract]
    return {
        "calls": calls,
        "injected": injected,
        "articles": len(ids),
        "lost": sorted(set(ids) - {s["article_id"] for s in data["sources"]}),
        "fell_back": data["fell_back"],
        "withheld": data["withheld"],
        "fabricated_quotes": sum(t.count(q) for t in outputs + kept_text for q in INVENTED_QUOTES),
        "injected_in_brief": sum(t.count(INJECTED_CLAIM) for t in outputs),
        "injected_kept": kept_claims,
        "codes": [r.code for r in runs],
        "tracebacks": sum("Traceback" in r.err for r in runs),
        "multiline": sum(
            1 for r in runs for line in r.lines() if not line.startswith("briefing: ")
        ),
        "seconds": first.seconds,
    }


# ---------------------------------------------------------------------------------------------
# peak memory and time


def peak(cmd: list[str], cwd: Path, timeout: float) -> tuple[int | None, float, float]:
    """(exit code or None if killed at ``timeout``, wall seconds, peak RSS in MiB) of a process."""
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(
            cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err, env=clean_env()
        )
        killed = threading.Event()

        def kill() -> None:
            killed.set()
            proc.kill()

        timer = threading.Timer(timeout, kill)
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    return (None if killed.is_set() else proc.returncode), wall, usage.ru_maxrss / 1024


def memory(tmp: Path, skip_slow: bool) -> list[dict]:
    py = [sys.executable, "-m", "briefing"]
    rows = []
    corpus = tmp / "corpus"
    huge = corpus / "huge-5mb.txt"
    code, wall, rss = peak([*py, "build", str(huge), "-o", str(tmp / "huge.pdf")], tmp, 120)
    rows.append(
        {
            "what": "build, the 5 MB article (refused: over the 2 MB limit)",
            "code": code,
            "wall": wall,
            "rss": rss,
        }
    )
    folder = varied_copies(tmp, 200)
    code, wall, rss = peak(
        [*py, "build", str(folder), "-o", str(tmp / "many.pdf"), "--quiet"], tmp, 300
    )
    rows.append(
        {
            "what": "build to PDF, 200 articles (benchmarks/many.py's folder)",
            "code": code,
            "wall": wall,
            "rss": rss,
        }
    )
    if not skip_slow:
        path = tmp / "flagged-terms.txt"
        path.write_text(flagged_terms(1000), encoding="utf-8")
        code, wall, rss = peak([*py, "extract", str(path)], tmp, 180)
        rows.append(
            {
                "what": f"extract, {path.stat().st_size // 1024} KB article of 1,000 flagged "
                "loaded terms",
                "code": code,
                "wall": wall,
                "rss": rss,
            }
        )
    return rows


def pronoun_check() -> list[str]:
    """Findings of check on the seed article against its own sentence s4 (should be none)."""
    from briefing.analyze import analyze
    from briefing.evals.check import check
    from briefing.ingest import load_article

    article = load_article(ROOT / "examples" / "articles" / "kcna-putin-pyongyang.txt")
    s4 = next(s.text for s in analyze(article).sentences if s.id == "s4")
    return [f.type for f in check(article, s4).findings]


# ---------------------------------------------------------------------------------------------
# the report


def report(inputs: dict, llm: dict, mem: list[dict], pronoun: list[str], started: float) -> str:
    rows, batch = inputs["rows"], inputs["batch"]
    bad_runs = sum(
        1 for r in rows for n in COMMANDS if any(p.startswith(f"{n}: ") for p in r["problems"])
    )
    xss_tried = sum(r["case"].xss for r in rows)
    xss_blocked = sum(r["xss_blocked"] for r in rows)
    total_faults = sum(llm["injected"].values())
    huge = next(r for r in mem if "5 MB" in r["what"])
    many = next(r for r in mem if "200 articles" in r["what"])
    L = [
        "# Reliability",
        "",
        "Written by `benchmarks/reliability.py`; the same corpus and faults are asserted by",
        "`tests/test_reliability.py`. Everything is generated at run time "
        "(`tests/support/adversarial.py`) and deterministic.",
        "",
        f"- date: {dt.date.today().isoformat()}",
        f"- commit: {git('rev-parse', '--short', 'HEAD')}"
        + (
            " (with uncommitted changes)"
            if git("status", "--porcelain", "--", ".", ":!RELIABILITY.md")
            else ""
        ),
        f"- machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.machine()}",
        f"- run time: {time.perf_counter() - started:.0f} s",
        "",
        "## Figures",
        "",
        "| figure | value | target |",
        "|---|---|---|",
        f"| hostile inputs tried | {len(rows)}, each through build to HTML and PDF, extract and "
        f"check ({len(rows) * 4} runs) | |",
        "| runs with a traceback, a hang (> 60 s), a wrong exit code or an unclear error | "
        f"{bad_runs} of {len(rows) * 4} | 0 |",
        f"| articles lost in the batch (all inputs plus a good article) | {len(batch['lost'])} of "
        f"{batch['good']} | 0 |",
        f"| bad files in the batch not listed as skipped | {len(batch['unlisted'])} of "
        f"{batch['bad']} | 0 |",
        f"| XSS vectors tried / blocked (nothing live in any HTML output) | {xss_tried} / "
        f"{xss_blocked} | all |",
        f"| remote fetches by any build (loopback server hits) | {inputs['fetched']} | 0 |",
        f"| LLM calls / faults injected | {llm['calls']} / {total_faults} "
        f"({total_faults / llm['calls']:.0%}) | about 30% |",
        f"| articles lost under faults | {len(llm['lost'])} of {llm['articles']} | 0 |",
        f"| articles the model failed on, written by the offline engine | {len(llm['fell_back'])} "
        f"({', '.join(llm['fell_back']) or 'none'}) | |",
        f"| model items withheld by verification | {llm['withheld']} | |",
        "| fabricated quotes in any output (brief HTML, text, JSON; extract) | "
        f"{llm['fabricated_quotes']} | 0 |",
        "| prompt-injected claims passing verification / shown in a brief | "
        f"{llm['injected_kept']} / {llm['injected_in_brief']} | 0 |",
        f"| peak memory, build given the 5 MB article | {huge['rss']:.0f} MiB ({huge['wall']:.1f} "
        f"s, exit {huge['code']}) | |",
        f"| peak memory, build of 200 articles to PDF | {many['rss']:.0f} MiB ({many['wall']:.1f} "
        f"s, exit {many['code']}) | |",
        "",
        "## Inputs",
        "",
        "Exit codes of build to HTML / build to PDF / extract / check (0 read, 2 refused with a "
        "one-line error",
        "naming the file, 1 findings in the hostile summary given to check).",
        "",
        "| input | what it tries | expected | exit codes | slowest run (s, 4 at a time) | "
        "problems |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        c = r["case"]
        expect = (
            "read"
            if c.ok and not c.check_error
            else (
                f"read; skips {c.check}: {c.check_error}"
                if c.ok or c.good_ids
                else f"refused: {c.error}"
            )
        )
        codes = " / ".join(
            "hung" if r["codes"][n] is None else str(r["codes"][n]) for n in COMMANDS
        )
        L.append(
            f"| `{c.name}` | {c.kind.replace('|', '/')} | {expect.replace('|', '/')} | {codes} | "
            f"{r['seconds']:.1f} | {'; '.join(r['problems']) or 'none'} |"
        )
    L += [
        "",
        f"Batch: exit codes {batch['codes']}; {batch['good']} good articles, all in the brief"
        if not batch["lost"]
        else f"Batch: LOST {batch['lost']}",
        f"(each once: {batch['duplicated']} duplicated); {batch['bad']} bad files, "
        f"{batch['bad'] - len(batch['unlisted'])} listed as skipped; live markup in its HTML: "
        f"{batch['live'] or 'none'}.",
        "",
        "XSS vectors: `<script>` (raw and as escaped text), `<iframe>`, `<object>`, `<embed>`, "
        "`<svg onload>`, `onerror`/`onload`/`onclick`/`onmouseover` handlers, `javascript:` links "
        "and URLs (in text, Markdown links and front matter, JSON fields), remote `<img>`, `<link "
        "rel=stylesheet>`, `@import`, `<meta http-equiv=refresh>`. Every HTML output is tokenized "
        "with `html.parser`: no script, frame, embed or image element, no `on*=` attribute, no "
        "`javascript:` value and no `src`/`href` to http(s). The PDF renderer's URL fetcher was "
        "also pointed at a live loopback server: 0 fetches (WeasyPrint's own fetcher, as a "
        "control, fetches).",
        "",
        "## LLM faults",
        "",
        f"{llm['articles']} articles (the examples copied with their wording varied), one call "
        "each (`pack_articles = 1`, `max_retries = 2`, `timeout = 2`), against "
        "`tests/support/adversarial.FaultServer`: the first call of 3 articles in 10 carries a "
        "fault, the kinds in turn; every 20th article keeps its fault on every call; retries draw "
        "a fault at 30% (seed 7).",
        "",
        "| fault | injected |",
        "|---|---|",
    ]
    for kind in FAULT_KINDS:
        L.append(f"| {kind} | {llm['injected'][kind]} |")
    L += [
        f"| total | {total_faults} of {llm['calls']} calls |",
        "",
        f"Exit codes (build to JSON, HTML, text; extract): {llm['codes']}; tracebacks: "
        f"{llm['tracebacks']}; first build {llm['seconds']:.1f} s.",
        "",
        "## Peak memory and time",
        "",
        "| command | exit | wall (s) | peak RSS (MiB) |",
        "|---|---|---|---|",
    ]
    for r in mem:
        L.append(
            f"| {r['what']} | {'killed' if r['code'] is None else r['code']} | {r['wall']:.1f} | "
            f"{r['rss']:.0f} |"
        )
    slow = next((r for r in mem if "flagged" in r["what"]), None)
    L += [
        "",
        "## Problems this suite found, and where they stand",
        "",
        "Each is asserted by `tests/test_reliability.py`; the figures below are measured on this "
        "run.",
        "",
        "1. `verify` kept a model line that states what its cited sentence does not say, when the "
        f'line had no quote, number, name, hedge or attribution to check ("{INJECTED_CLAIM}" '
        "citing a plain sentence). A line now needs half its content words in the sentences it "
        f"cites. Under faults: {llm['injected_kept']} such line(s) passed verification.",
        '2. `check` of the seed article against its own sentence s4 ("... at an early date,\u201d '
        'it said.") blamed a speaker: the summary\'s unresolved "it" was compared as a name with '
        f"KCNA. Now it finds: {', '.join(pronoun) or 'nothing'}.",
        "3. Analysis was cubic in the number of flagged loaded terms "
        "(`caveats._characterizations`): 40 s for a 133 KB article, minutes near the 2 MB limit. "
        "Flags, quotations and terms are now matched by bisection"
        + (
            f": the same article takes {slow['wall']:.1f} s"
            + (" (killed)" if slow["code"] is None else "")
            if slow
            else ""
        )
        + ".",
        "4. A model answer that failed validation twice was reported on several stderr lines; "
        f"errors are now one line: {llm['multiline']} continuation line(s) in the fault runs.",
        "",
    ]
    return "\n".join(L)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "RELIABILITY.md"))
    ap.add_argument(
        "--skip-slow", action="store_true", help="Do not time the flagged-terms article."
    )
    args = ap.parse_args()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        print("hostile inputs ...", file=sys.stderr)
        inputs = hostile_inputs(tmp)
        print("LLM faults ...", file=sys.stderr)
        llm = faults(tmp)
        print("peak memory ...", file=sys.stderr)
        mem = memory(tmp, args.skip_slow)
        (tmp / "corpus" / "unreadable.txt").chmod(0o644)
    text = report(inputs, llm, mem, pronoun_check(), started)
    Path(args.out).write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
