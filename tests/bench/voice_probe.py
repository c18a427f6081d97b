"""What telling a complaint in the third person does to triage (not collected by pytest).

Run: .venv/bin/python tests/bench/voice_probe.py [--off]

Ombudsman and regulator case narratives, and a relative or an adviser writing for a client, tell
the complaint in the third person ("Mrs A said the firm had lost her deeds"), where the real
corpus is almost all first person ("you lost my deeds"). Those narratives are reserved for
independent evaluation (issue 15), so this probe turns the real texts themselves: grouped 5-fold
cross-validation over models/real, each fold trained as `mailbot train` trains, every held-out text
predicted as written and retold by `mailbot.triage.voice.retold` (pronouns swapped; "you"/"your"
addressed to the firm become "the firm"/"the firm's"; optionally with a narrative opening). The
retelling is crude (verb agreement is not fixed), which a bag of n-grams barely notices; it
measures how much the model and rules lean on the first person. Training makes the same retold
copies of the real texts (PARAMS["retold"]); `--off` trains without them, to show what they buy.
Takes a few minutes.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from mailbot.triage import classifier  # noqa: E402
from mailbot.triage.voice import retold  # noqa: E402
from tests.bench.probe_table import run_probe  # noqa: E402


def main() -> None:
    if "--off" in sys.argv:
        classifier.PARAMS["retold"] = False  # training_examples reads it at call time
    copies = "OFF" if "--off" in sys.argv else "on"
    run_probe(f"third-person retelling; retold training copies {copies}", "voice", {
        "as written": lambda text: text,
        "third person": retold,
        "third person, 'Mrs A complained that'": lambda text: "Mrs A complained that "
        + retold(text),
    })


if __name__ == "__main__":
    main()
