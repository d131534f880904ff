"""The command line as a channel: render diagnoses and walk steps as text, walk interactively."""

from __future__ import annotations

from collections.abc import Callable

from service.core import Doctor, Troubleshooting
from service.engine import Diagnosis
from service.engine.walk import NO_MATCH, NONE, AnsweredQuestion, FixPage, Step
from service.errors import DoctorError
from service.storage.cases import Outcome

Ask = Callable[[str], str]
Say = Callable[[str], None]


def render_diagnosis(diagnosis: Diagnosis) -> str:
    lines = [diagnosis.summary, f"verdict: {diagnosis.verdict}"]
    for rank, cause in enumerate(diagnosis.causes[:3], start=1):
        lines.append(f"{rank}. {cause.id}  {cause.confidence:.2f}  {cause.title}")
        for ev in cause.evidence[:3]:
            where = f"line {ev.line}: " if ev.line else ""
            worth = ev.contribution if ev.contribution is not None else ev.weight
            lines.append(f"     - {ev.detail} ({worth:+.2f}) {where}{ev.text[:120]}")
    if diagnosis.instead:
        lines += [f"instead: {diagnosis.instead.what}", f"look at: {diagnosis.instead.where}"]
    lines += [f"finding [{f.severity}]: {f.message}" for f in diagnosis.findings]
    for case in diagnosis.similar_cases:
        where = "a case confirmed here" if case.local else case.url
        lines.append(
            f"looks like: {case.title} ({where}), resolved as {case.cause} "
            f"(similarity {case.similarity:.2f})"
        )
    if diagnosis.input.kind == "event_log":
        lines += [
            f"fact: {f.name} = {f.value}" + (f" (line {f.line}: {f.text[:100]})" if f.line else "")
            for f in diagnosis.facts
        ]
    return "\n".join(lines)


def render_answers(step: Step, already: int = 0) -> list[str]:
    return [f"  {a.question}\n    -> {a.label}  ({a.because})" for a in step.answered[already:]]


def render_fix_page(page: FixPage, form: str) -> str:
    lines = [f"== {page.title}", page.conclusion]
    for number, fix in enumerate(page.fixes, start=1):
        votes = fix.fixed or fix.not_helped
        stats = f"  [fixed it {fix.fixed}, did not help {fix.not_helped}]" if votes else ""
        lines += ["", f"{number}. {fix.title}{stats}", f"   {fix.summary}"]
        lines += [f"   computed: {c}" for c in fix.computed]
        if fix.snippets:
            lines += ["   " + row for row in fix.snippets.get(form, "").splitlines()]
        for change in (c for c in fix.code if form in c.forms):
            if change.before:
                lines += ["   before:", *("     " + r for r in change.before.splitlines())]
            lines += ["   after:", *("     " + r for r in change.after.splitlines())]
        lines += [f"   verify: {v}" for v in fix.verify]
        lines += [f"   caveat: {c}" for c in fix.caveats]
    lines += ["", "If none of this helps, check:"]
    lines += [f"  - {d.tool}: {d.how} (expect: {d.expect})" for d in page.diagnostics]
    return "\n".join(lines)


def walk_interactively(
    doctor: Doctor, result: Troubleshooting, ask: Ask, say: Say, form: str = "spark_submit"
) -> int:
    """Ask the open questions in the terminal until the fix page, then ask for feedback.

    End of input (Ctrl-D, a closed terminal) stops the walk where it is: the case keeps it.
    """
    try:
        return _walk(doctor, result, ask, say, form)
    except EOFError:
        say(f"\nStopped. Case {result.case_id} keeps where this walk is; reopen it to go on.")
        return 0


def _walk(doctor: Doctor, result: Troubleshooting, ask: Ask, say: Say, form: str) -> int:
    step, shown = result.step, 0
    while True:
        for line in render_answers(step, shown):
            say(line)
        shown = len(step.answered)
        if step.kind == "none_left":
            say(f"\n{step.message}")
            return 0
        if step.kind == "fix":
            assert step.fix_page is not None
            say(render_fix_page(step.fix_page, form))
            verdict = ask(
                "\nDoes this match what you see? [Enter = yes / x = it does not match] "
            ).strip()
            if verdict.lower() not in {"x", "no_match"}:
                return _feedback(doctor, result, step.fix_page, ask, say)
            node, chosen = step.fix_page.leaf, NO_MATCH
        else:
            picked = _ask_question(step, ask, say)
            if picked is None:
                continue
            node, chosen = picked
        try:
            step = doctor.walk(step.state, node, chosen)
        except DoctorError as exc:
            say(f"error: {exc.message}")
            return 1
        shown = min(shown, len(step.answered))
        if step.ruled_out and chosen == NO_MATCH:
            say("Ruled out: " + "; ".join(r.title for r in step.ruled_out))


def _ask_question(step: Step, ask: Ask, say: Say) -> tuple[str, str] | None:
    """The user's answer to the open question: (node, option), or None to ask again. ``c``
    changes an answer taken from the evidence."""
    question = step.question
    assert question is not None
    say(f"\n{question.text}")
    if question.help:
        say(f"  ({question.help})")
    for number, option in enumerate(question.options, start=1):
        say(f"  {number}. {option.label}")
    say(f"  ?. {question.unknown_label}")
    say(f"  n. {question.none_label}")
    changeable = [a for a in step.answered if a.options]
    if changeable:
        say("  c. Change an answer taken from your input")
    typed = ask("> ").strip()
    if typed.lower() in {"c", "change"} and changeable:
        return _change(changeable, ask, say)
    chosen = _option(typed, [o.id for o in question.options])
    if chosen is None:
        say("Type an option number, ? if you don't know, or n if none of these fits.")
        return None
    return question.node, chosen


def _change(changeable: list[AnsweredQuestion], ask: Ask, say: Say) -> tuple[str, str] | None:
    for number, answered in enumerate(changeable, start=1):
        say(f"  {number}. {answered.question} -> {answered.label}")
    which = ask("Which answer? > ").strip()
    if not (which.isdigit() and 1 <= int(which) <= len(changeable)):
        return None
    answered = changeable[int(which) - 1]
    others = [o for o in answered.options if o.id != answered.option]
    for number, option in enumerate(others, start=1):
        say(f"  {number}. {option.label}")
    picked = ask("Your answer? > ").strip()
    if not (picked.isdigit() and 1 <= int(picked) <= len(others)):
        return None
    return answered.node, others[int(picked) - 1].id


def _feedback(doctor: Doctor, result: Troubleshooting, page: FixPage, ask: Ask, say: Say) -> int:
    fixes = page.fixes
    if not fixes:
        return 0
    fix = fixes[0]
    if len(fixes) > 1:
        which = ask(f"\nWhich fix did you try? [1-{len(fixes)}, Enter = skip] ").strip()
        if not (which.isdigit() and 1 <= int(which) <= len(fixes)):
            return 0
        fix = fixes[int(which) - 1]
    answer = ask(f'Did "{fix.title}" fix it? [y = fixed it / n = did not help / Enter = skip] ')
    if answer.strip().lower() in {"y", "n"}:
        outcome: Outcome = "fixed" if answer.strip().lower() == "y" else "not_helped"
        doctor.feedback(result.case_id, outcome, fix.id, None)
        say(f"Recorded on case {result.case_id} for that fix. Thank you.")
    return 0


def _option(choice: str, options: list[str]) -> str | None:
    if choice in {"?", "unknown"}:
        return "unknown"
    if choice.lower() in {"n", "none"}:
        return NONE
    if choice.isdigit() and 1 <= int(choice) <= len(options):
        return options[int(choice) - 1]
    return choice if choice in options else None
