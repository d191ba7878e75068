"""Tokens and calls of our LLM stage against LangChain's classic map-reduce summarisation.

    .venv/bin/python benchmarks/llm_tokens.py [--chunk-tokens 3000] [--reply-tokens 200]

Both run through LangChain with the same stub chat model (``FakeListChatModel``), which
answers every call with the same text of about ``--reply-tokens`` tokens; every prompt and every
reply is counted with the project's offline o200k_base tiktoken counter. Neither makes a network
call.

- ours: one structured call for up to eight short articles (an article over the token budget
  gets windows of its own): the system prompt, the schema as it travels in the request, and the
  numbered sentences. Its reply is a full answer (bottom line, events, attributions, caveats) for
  every article in the call, so the stub's fixed reply flatters it; the table gives calls too.
- map-reduce, as LangChain's ``load_summarize_chain(chain_type="map_reduce")`` does it: the text
  split into chunks, one "Write a concise summary" call per chunk, one combine call over the
  chunk summaries; for a brief of many articles, one more combine over the article summaries.
  It returns a summary only, with no attributions or caveats.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from langchain_core.language_models.fake_chat_models import FakeListChatModel
from langchain_core.prompts import PromptTemplate
from langchain_core.utils.function_calling import convert_to_openai_tool

from briefing.analyze import analyze
from briefing.ingest import load_all
from briefing.llm.extract import plan, prompt_template
from briefing.llm.settings import Settings
from briefing.llm.tokens import count_tokens, encoding
from briefing.models import LLMExtraction

ROOT = Path(__file__).resolve().parent.parent
# The prompts of LangChain's map_reduce summarize chain (langchain.chains.summarize).
MAP_PROMPT = PromptTemplate.from_template(
    'Write a concise summary of the following:\n\n\n"{text}"\n\n\nCONCISE SUMMARY:'
)
COMBINE_PROMPT = MAP_PROMPT


def chunks(text: str, size: int) -> list[str]:
    ids = encoding().encode_ordinary(text)
    return [encoding().decode(ids[i : i + size]) for i in range(0, len(ids), size)] or [""]


class Counter:
    def __init__(self, reply: str) -> None:
        self.model = FakeListChatModel(responses=[reply])
        self.calls = self.input = self.output = 0

    def ask(self, prompt: str) -> str:
        out = self.model.invoke(prompt).content
        self.calls += 1
        self.input += count_tokens(prompt)
        self.output += count_tokens(str(out))
        return str(out)

    def ask_messages(self, messages: list, extra_tokens: int) -> str:
        out = self.model.invoke(messages).content
        self.calls += 1
        self.input += sum(count_tokens(str(m.content)) + 4 for m in messages) + extra_tokens
        self.output += count_tokens(str(out))
        return str(out)


def map_reduce(text: str, counter: Counter, chunk_tokens: int) -> str:
    summaries = [counter.ask(MAP_PROMPT.format(text=c)) for c in chunks(text, chunk_tokens)]
    return counter.ask(COMBINE_PROMPT.format(text="\n\n".join(summaries)))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--chunk-tokens", type=int, default=3000)
    ap.add_argument("--reply-tokens", type=int, default=200)
    ap.add_argument(
        "--answer-tokens",
        type=int,
        default=350,
        help="a realistic structured answer per article, for the second 'ours' row",
    )
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    reply = " ".join(["word"] * args.reply_tokens)
    articles, _ = load_all([str(ROOT / "examples" / "articles")])
    analyses = [analyze(a) for a in articles]
    settings = Settings(model="stub")
    schema_tokens = count_tokens(json.dumps(convert_to_openai_tool(LLMExtraction)))
    rows = []
    for art, an in zip(articles, analyses, strict=False):
        ours, base = Counter(reply), Counter(reply)
        for job in plan([an], settings):
            ours.ask_messages(prompt_template().format_messages(**job.inputs), schema_tokens)
        map_reduce(art.text, base, args.chunk_tokens)
        rows.append((art.meta.id, count_tokens(art.text), ours, base))

    print(
        "| article | article tokens | ours: calls / input / output | map-reduce: calls / input / "
        "output | ours input / (1.3 x article) |"
    )
    print("|---|---|---|---|---|")
    for name, n, o, b in rows:
        print(
            f"| {name} | {n} | {o.calls} / {o.input} / {o.output} | {b.calls} / {b.input} / "
            f"{b.output} | {o.input - 1.3 * n:+.0f} fixed over 1.3x |"
        )
    # a ten-article brief: the seven examples and the first three again
    ten = (list(zip(articles, analyses, strict=False)) * 2)[:10]
    ours = Counter(reply)
    for job in plan([an for _, an in ten], settings):  # short articles share calls
        ours.ask_messages(prompt_template().format_messages(**job.inputs), schema_tokens)
    base = Counter(reply)
    summaries = [map_reduce(art.text, base, args.chunk_tokens) for art, _ in ten]
    base.ask(COMBINE_PROMPT.format(text="\n\n".join(summaries)))
    o_calls, o_in, o_out = ours.calls, ours.input, ours.output
    b_calls, b_in, b_out = base.calls, base.input, base.output
    print()
    print("| 10-article brief | calls | input tokens | output tokens | returns |")
    print("|---|---|---|---|---|")
    print(
        f"| ours | {o_calls} | {o_in} | {o_out} | bottom line, events, attributions with via, "
        "caveats, sentence ids |"
    )
    print(
        f"| ours, answers of {args.answer_tokens} tokens an article | {o_calls} | {o_in} | "
        f"{args.answer_tokens * len(ten)} | the same |"
    )
    print(f"| map-reduce | {b_calls} | {b_in} | {b_out} | one summary |")
    fixed = max(r[2].input - 1.3 * r[1] for r in rows)
    print()
    print(f"largest fixed overhead over 1.3 x article tokens: {fixed:.0f} tokens (target < 800)")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "ours": [o_calls, o_in, o_out],
                    "map_reduce": [b_calls, b_in, b_out],
                    "fixed": fixed,
                }
            )
        )


if __name__ == "__main__":
    main()
