"""Bounce recognition on real bounces, and false alarms on real human mail.

    python -m tests.bench.bench_bounces          # figures
    python -m tests.bench.bench_bounces --wrong  # also each miss

Bounces: tests/fixtures/bounces (flufl.bounce's test data, with its expected recipients).
Human mail: the replies corpus (.eml items) and the hand-made fixtures that expect "human".
"Recipients without flufl" counts what the standard fields alone give (a DSN's
Final-Recipient, X-Failed-Recipients), to show what the flufl.bounce dependency adds.
flufl.bounce was built on this very data, so its share here is an upper bound.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from mailbot.errors import MalformedMessage
from mailbot.message import parse_message
from tests.bench.replies_corpus import CORPUS as REPLIES
from tests.bench.replies_corpus import load as load_replies

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
BOUNCES = FIXTURES / "bounces"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--wrong", action="store_true")
    args = parser.parse_args()
    items = json.loads((BOUNCES / "manifest.json").read_text())["items"]
    kind_ok = rec_total = rec_ok = rec_std = perm_total = perm_ok = 0
    misses, refused = [], []
    for item in items:
        raw = (BOUNCES / item["file"]).read_bytes()
        try:
            inbound = parse_message(raw)
        except MalformedMessage as exc:  # quarantined as not usable mail: counted, not a crash
            refused.append(f"{item['file']}: refused ({exc.reason}), expected {item['kind']}")
            rec_total += item["kind"] == "bounce" and bool(item["recipients"])
            perm_total += item["kind"] == "bounce" and item["permanent"] is not None
            continue
        kind_ok += inbound.kind.value == item["kind"]
        if inbound.kind.value != item["kind"]:
            misses.append(f"{item['file']}: {inbound.kind.value} ({inbound.reason}), expected {item['kind']}")
        if item["kind"] == "bounce" and item["recipients"]:
            rec_total += 1
            got = set(inbound.bounce_recipients)
            good = set(item["recipients"]) <= got
            rec_ok += good
            standard = b"message/delivery-status" in raw.lower() or b"x-failed-recipients" in raw.lower()
            rec_std += good and standard
            if not good:
                misses.append(f"{item['file']}: recipients {sorted(got)}, expected {item['recipients']}")
        if item["kind"] == "bounce" and item["permanent"] is not None:
            perm_total += 1
            perm_ok += inbound.bounce_permanent is item["permanent"]
            if inbound.bounce_permanent is not item["permanent"]:
                misses.append(f"{item['file']}: permanent {inbound.bounce_permanent}, expected {item['permanent']}")
    humans, false_alarms = _human_mail()
    print(f"{'bounces recognised (kind right)':<44} {kind_ok:>4}/{len(items):<4} {100 * kind_ok / len(items):5.1f}%")
    print(f"{'failed recipient found, with flufl.bounce':<44} {rec_ok:>4}/{rec_total:<4} {100 * rec_ok / rec_total:5.1f}%")
    print(f"{'failed recipient found, standard fields only':<44} {rec_std:>4}/{rec_total:<4} "
          f"{100 * rec_std / rec_total:5.1f}%")
    print(f"{'permanent / temporary right':<44} {perm_ok:>4}/{perm_total:<4} {100 * perm_ok / perm_total:5.1f}%")
    print(f"{'human mail taken for a bounce':<44} {len(false_alarms):>4}/{humans:<4}")
    print(f"{'bounces refused as unusable mail':<44} {len(refused):>4}/{len(items):<4}")
    if args.wrong:
        print("\n".join(misses + refused + [f"false alarm: {name}" for name in false_alarms]))


def _human_mail() -> tuple[int, list[str]]:
    expected = json.loads((FIXTURES / "mail" / "expected.json").read_text())["messages"]
    paths = [FIXTURES / "mail" / name for name, spec in expected.items() if spec.get("kind") == "human"]
    paths += [REPLIES / item.file for item in load_replies() if item.format == "eml"]
    alarms = [p.name for p in paths if _kind(p.read_bytes()) == "bounce"]
    return len(paths), alarms


def _kind(raw: bytes) -> str:
    try:
        return parse_message(raw).kind.value
    except MalformedMessage:
        return "refused"


if __name__ == "__main__":
    main()
