"""A brief with ``--backend openai`` on a local OpenAI-compatible server, one article at a time.

Run by hand from the repository root, with a server already listening (a llama.cpp server with
a small instruct model, say):

    .venv/bin/python -m benchmarks.local_llm [--base-url http://127.0.0.1:8090/v1]
        [--model NAME] [--deadline S] [--timeout S] [--stream] [--json OUT] [ARTICLE ...]

Each article (by default the ~500-word Tate article, the seed and two more of the examples) is
made into its own brief as ``briefing build --backend openai`` makes one: read and analysed,
asked of the model, verified against the engine, composed and fitted to a page. The time is the
whole of that, wall clock, once the engine's own models are loaded (timed apart, before the
first article: a cold start's cost, not an article's). Printed per article: whether the model's
answer reached the brief (what verification kept and withheld) or the article fell back to the
offline engine, and why; the calls (failed ones too), tokens and seconds of the LLM stage.
Every run starts from an empty cache, so every answer is asked for. With no server answering at
the URL it says so in one line and exits 2.
"""

from __future__ import annotations

import argparse
import datetime
import json
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from briefing import pipeline
from briefing.brief.render import write
from briefing.llm.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "articles"
SEED = ROOT.parent / "shared" / "articles" / "kcna-putin-pyongyang.txt"
ARTICLES = [
    EXAMPLES / "andrew-tate-detention-extended.txt",  # 472 words
    SEED if SEED.is_file() else EXAMPLES / "kcna-putin-pyongyang.txt",  # 388
    EXAMPLES / "east-palestine-derailment.txt",  # 231
    EXAMPLES / "eu-commission-tiktok-ban.txt",  # 292
]
PROBE_TIMEOUT = 5.0  # seconds the server has to list its models before it counts as absent


def server_model(base_url: str) -> str | None:
    """The first model the server lists, or None when nothing answers at ``base_url``."""
    try:
        with urllib.request.urlopen(f"{base_url.rstrip('/')}/models", timeout=PROBE_TIMEOUT) as r:
            data = json.loads(r.read().decode("utf-8"))
    except (OSError, ValueError, urllib.error.URLError):
        return None
    models = data.get("data") or [{}]
    return str(models[0].get("id") or "unknown")


def one(path: Path, overrides: dict, out_dir: Path) -> dict:
    """One article's brief, timed, and what came of the model's answer."""
    started = time.perf_counter()
    loaded = pipeline.load([path])
    if not loaded.analyses:
        return {"article": path.name, "error": "; ".join(map(str, loaded.errors))}
    analysed = time.perf_counter()
    settings = load_settings(dict(overrides, cache_path=out_dir / f"{path.stem}.sqlite"))
    run = pipeline.model(loaded.analyses, settings)
    asked = time.perf_counter()
    brief = pipeline.compose(loaded.analyses, run=run, pages=1)
    brief = pipeline.fit(brief, pages=1)
    write(brief, str(out_dir / f"{path.stem}.txt"))
    seconds = time.perf_counter() - started
    an = loaded.analyses[0]
    u = run.usage
    row = {
        "article": path.name,
        "words": len(path.read_text(encoding="utf-8").split()),
        "sentences": len(an.sentences),
        "seconds": round(seconds, 1),
        "analyse_seconds": round(analysed - started, 1),
        "model_seconds": round(asked - analysed, 1),  # the model stage, verification included
        "brief_seconds": round(seconds - (asked - started), 1),
        "llm_seconds": round(u.seconds, 1),  # what the usage line says the calls took
        "calls": u.calls,
        "failed": u.failed,
        "input_tokens": u.input_tokens,
        "output_tokens": u.output_tokens,
    }
    if run.fell_back:
        row["outcome"] = "fallback"
        row["reason"] = run.fell_back[0].reason
        return row
    v = run.verified[an.article.id]
    kept = len(v.bottom_line) + len(v.events) + len(v.attributions) + len(v.found)
    row["outcome"] = "verified answer" if kept else "answer, all withheld"
    row["kept"] = kept
    row["withheld"] = len(v.withheld)
    row["withheld_reasons"] = sorted({w.reason for w in v.withheld})
    row["kept_texts"] = [x.text for x in (*v.bottom_line, *v.events)] + [
        f"{a.speaker}{' via ' + ', '.join(a.via) if a.via else ''}: {a.claim}"
        for a in v.attributions
    ]
    return row


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("articles", nargs="*", type=Path, default=ARTICLES)
    ap.add_argument("--base-url", default="http://127.0.0.1:8090/v1")
    ap.add_argument("--model", default=None, help="default: the first model the server lists")
    ap.add_argument("--deadline", type=float, default=None, help="default: the setting's")
    ap.add_argument("--timeout", type=float, default=None)
    ap.add_argument("--stream", action="store_true", help="stream answers (loops cut early)")
    ap.add_argument("--json", type=Path, default=None, help="write the rows here too")
    args = ap.parse_args()

    listed = server_model(args.base_url)
    if listed is None:
        print(f"local_llm: no server answers at {args.base_url}", file=sys.stderr)
        return 2
    overrides = {
        "backend": "openai",
        "base_url": args.base_url,
        "model": args.model or listed,
        "api_key": "local",
        "deadline": args.deadline,
        "timeout": args.timeout,
        "stream": True if args.stream else None,
        "max_concurrency": 1,
    }
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    settings = load_settings(overrides)
    print(
        f"{datetime.date.today()} commit {commit}: model {settings.model} at {args.base_url}, "
        f"deadline {settings.deadline:g} s, timeout {settings.timeout:g} s, "
        f"max_retries {settings.max_retries}, stream {settings.stream}"
    )
    started = time.perf_counter()
    pipeline.load([ARTICLES[-1]])  # the engine's models loaded once, as a long-lived run has them
    print(f"engine loaded in {time.perf_counter() - started:.1f} s (not in the times below)")
    rows = []
    with tempfile.TemporaryDirectory(prefix="local-llm-") as tmp:
        for path in args.articles:
            row = one(path, overrides, Path(tmp))
            rows.append(row)
            if "error" in row:
                print(f"{row['article']}: skipped: {row['error']}")
                continue
            what = (
                f"fallback ({row['reason']})"
                if row["outcome"] == "fallback"
                else f"{row['outcome']}: {row['kept']} kept, {row['withheld']} withheld"
                + (f" ({'; '.join(row['withheld_reasons'])})" if row["withheld_reasons"] else "")
            )
            print(
                f"{row['article']} ({row['words']} words, {row['sentences']} sentences): "
                f"{row['seconds']} s (analyse {row['analyse_seconds']}, model "
                f"{row['model_seconds']}, brief {row['brief_seconds']}); "
                f"{row['calls']} call(s) ({row['failed']} failed), "
                f"{row['input_tokens']} in / {row['output_tokens']} out tokens, "
                f"LLM {row['llm_seconds']} s; {what}",
                flush=True,
            )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
