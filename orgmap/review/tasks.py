"""Owner and merge review tasks: their Label Studio configs, the tasks themselves, and answers read back.

A task's ``data`` carries everything a reviewer needs and everything a file format writes; its prediction is
orgmap's answer, whose ``score`` orders the queue (lower first) while the result's own ``score`` is the
calibrated confidence. Answers come back as :class:`OwnerAnswer` / :class:`PairAnswer` (docs/labeling.md).
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from orgmap.review.labelstudio import parse_time

WHATS = ("owners", "merges")
N_CANDIDATES = 5
"""Candidates a task shows (choices ``candidate 1`` … ``candidate 5``)."""
OWNER_CONTROL, NAME_CONTROL = "owner", "other_name"
PAIR_CONTROL, PARENT_CONTROL = "decision", "parent"
CANDIDATES = tuple(f"candidate {i}" for i in range(1, N_CANDIDATES + 1))
ANOTHER = "another name"
OWNER_CHOICES = (*CANDIDATES, ANOTHER, "person", "platform", "unknown")
PAIR_CHOICES = {"same": "same", "different": "different", "parent/subsidiary": "parent_subsidiary"}
"""Choice shown → decision stored."""
PARENT_CHOICES = {"A is the parent": "a", "B is the parent": "b"}


@dataclass(frozen=True)
class OwnerAnswer:
    """A person's answer to "who owns this domain?"."""

    registered_domain: str
    status: str
    """linked | person | platform | unknown."""
    name: str | None
    choice: str
    """The choice made (one of :data:`OWNER_CHOICES`)."""
    annotator: str | None
    annotated_at: dt.datetime
    task_id: int | None = None
    predicted: str | None = None


@dataclass(frozen=True)
class PairAnswer:
    """A person's answer to "are these one organization?" (``a < b``)."""

    a: str
    b: str
    decision: str
    """same | different | parent_subsidiary."""
    parent: str | None
    """For parent_subsidiary: the parent's domain, where the reviewer said which."""
    annotator: str | None
    annotated_at: dt.datetime
    task_id: int | None = None
    predicted: str | None = None
    pair_confidence: float | None = None


# -- labeling configs -----------------------------------------------------------------------------------
def owner_config() -> str:
    """The Label Studio config of owner tasks: the domain, its pages, its candidates, one choice (+ a name)."""
    choices = "\n".join(f'    <Choice value="{c}"/>' for c in OWNER_CHOICES)
    return (
        "<View>\n"
        '  <Header value="Who owns $domain?"/>\n'
        '  <Text name="question" value="$question"/>\n'
        '  <HyperText name="pages" value="$pages_html"/>\n'
        '  <HyperText name="candidates" value="$candidates_html"/>\n'
        f'  <Choices name="{OWNER_CONTROL}" toName="candidates" choice="single" showInline="false">\n'
        f"{choices}\n"
        "  </Choices>\n"
        f'  <TextArea name="{NAME_CONTROL}" toName="candidates" maxSubmissions="1" editable="true"\n'
        f'            placeholder="the owner\'s name" visibleWhen="choice-selected" whenTagName="{OWNER_CONTROL}"\n'
        f'            whenChoiceValue="{ANOTHER}"/>\n'
        "  <!-- orgmap review=owners -->\n"
        "</View>"
    )


def pair_config() -> str:
    """The Label Studio config of merge tasks: both sides, same / different / parent-subsidiary (+ which)."""
    choices = "\n".join(f'    <Choice value="{c}"/>' for c in PAIR_CHOICES)
    parents = "\n".join(f'    <Choice value="{c}"/>' for c in PARENT_CHOICES)
    return (
        "<View>\n"
        '  <Header value="Same organization?"/>\n'
        '  <HyperText name="pair" value="$pair_html"/>\n'
        f'  <Choices name="{PAIR_CONTROL}" toName="pair" choice="single" showInline="true">\n'
        f"{choices}\n"
        "  </Choices>\n"
        f'  <Choices name="{PARENT_CONTROL}" toName="pair" choice="single" showInline="true"\n'
        f'           visibleWhen="choice-selected" whenTagName="{PAIR_CONTROL}" whenChoiceValue="parent/subsidiary">\n'
        f"{parents}\n"
        "  </Choices>\n"
        "  <!-- orgmap review=merges -->\n"
        "</View>"
    )


def config_for(what: str) -> str:
    """The labeling config of ``owners`` or ``merges`` tasks."""
    return owner_config() if what == "owners" else pair_config()


# -- tasks ----------------------------------------------------------------------------------------------
def _link(url: str) -> str:
    """An anchor for ``url`` when it is http(s), else the escaped text (page URLs come from the crawl)."""
    safe = html.escape(url, quote=True)
    if url.lower().startswith(("http://", "https://")):
        return f'<a href="{safe}" target="_blank" rel="noopener noreferrer">{safe}</a>'
    return safe


def _choice_result(control: str, to: str, value: str, score: float | None = None) -> dict[str, Any]:
    r: dict[str, Any] = {"from_name": control, "to_name": to, "type": "choices", "value": {"choices": [value]}}
    if score is not None:
        r["score"] = round(float(score), 6)
    return r


def owner_choice(status: str, name: str | None, candidates: Sequence[Mapping[str, Any]]) -> str:
    """The choice that stands for an owner answer among a task's candidates."""
    if status != "linked":
        return status if status in OWNER_CHOICES else "unknown"
    for i, c in enumerate(candidates[:N_CANDIDATES]):
        if (c.get("name") or "").casefold() == (name or "").casefold():
            return CANDIDATES[i]
    return ANOTHER


def owner_task(row: Mapping[str, Any], *, model_version: str) -> dict[str, Any]:
    """One owner task from a row of ``orgmap.stages.review.select_owners`` (domain, answer, candidates, pages)."""
    domain = str(row["registered_domain"])
    cands = list(row.get("candidates") or [])[:N_CANDIDATES]
    pages = list(row.get("pages") or [])
    lines = []
    for i, c in enumerate(cands):
        ev = "; ".join(
            f"{html.escape(e.get('kind') or '')}: «{html.escape((e.get('context') or '')[:200])}» on "
            f"{_link(e.get('url') or '')}"
            for e in c.get("evidence") or []
        )
        lines.append(f"<li><b>{CANDIDATES[i]}: {html.escape(c['name'])}</b><br/>{ev}</li>")
    status, name = str(row["status"]), row.get("name")
    conf = float(row.get("confidence") or 0.0)
    predicted = f"linked:{name}" if status == "linked" else status
    data = {
        "orgmap_id": f"owner:{domain}",
        "what": "owners",
        "domain": domain,
        "question": f"orgmap says: {name or status} ({status}, confidence {conf:.2f}). Who owns {domain}?",
        "pages_html": "<p>Pages:</p><ul>" + "".join(f"<li>{_link(u)}</li>" for u in pages) + "</ul>",
        "candidates_html": "<ol>" + "".join(lines) + "</ol>" if lines else "<p>no page names a candidate</p>",
        "candidates": cands,
        "pages": pages,
        "predicted": predicted,
        "confidence": round(conf, 6),
        "value": round(float(row["value"]), 6),
        "priority": round(float(row["priority"]), 6),
        "n_pages": int(row.get("n_pages") or 0),
    }
    choice = owner_choice(status, name, cands)
    result = [_choice_result(OWNER_CONTROL, "candidates", choice, conf)]
    if choice == ANOTHER:
        result.append(
            {"from_name": NAME_CONTROL, "to_name": "candidates", "type": "textarea", "value": {"text": [name]}}
        )
    return {
        "data": data,
        "predictions": [{"model_version": model_version, "score": data["priority"], "result": result}],
    }


def _side_html(label: str, side: Mapping[str, Any]) -> str:
    doms = ", ".join(_link(f"https://{d}/") for d in (side.get("domains") or [])[:10])
    ev = "<br/>".join(html.escape(e) for e in (side.get("evidence") or [])[:5])
    return (
        f"<h4>{label}: {html.escape(side.get('name') or '?')}</h4>"
        f"<p>domain {html.escape(side['domain'])}; country {html.escape(side.get('country') or '-')}</p>"
        f"<p>organization's domains: {doms}</p><p>{ev}</p>"
    )


def pair_task(row: Mapping[str, Any], *, model_version: str) -> dict[str, Any]:
    """One merge task from a row of ``orgmap.stages.review.select_pairs`` (sides ``a``/``b``, edge, value)."""
    a, b = dict(row["a"]), dict(row["b"])
    same = bool(row.get("same_org"))
    conf = row.get("confidence")
    data = {
        "orgmap_id": f"pair:{a['domain']}|{b['domain']}",
        "what": "merges",
        "a": a,
        "b": b,
        "why": row.get("why") or "",
        "pair_html": _side_html("A", a)
        + _side_html("B", b)
        + f"<p>orgmap: {'one organization' if same else 'two organizations'}; {html.escape(row.get('why') or '')}</p>",
        "predicted": "same" if same else "different",
        "confidence": None if conf is None else round(float(conf), 6),
        "value": round(float(row["value"]), 6),
        "priority": round(float(row["priority"]), 6),
    }
    pred = _choice_result(PAIR_CONTROL, "pair", "same" if same else "different", conf)
    return {
        "data": data,
        "predictions": [{"model_version": model_version, "score": data["priority"], "result": [pred]}],
    }


def owner_prediction(data: Mapping[str, Any], status: str, name: str | None, confidence: float, version: str) -> dict:
    """A Label Studio prediction of an owner task's data for the answer (status, name) at ``confidence``."""
    choice = owner_choice(status, name, data.get("candidates") or [])
    result = [_choice_result(OWNER_CONTROL, "candidates", choice, confidence)]
    if choice == ANOTHER:
        result.append(
            {"from_name": NAME_CONTROL, "to_name": "candidates", "type": "textarea", "value": {"text": [name]}}
        )
    return {"model_version": version, "score": data.get("priority", round(confidence, 6)), "result": result}


# -- answers --------------------------------------------------------------------------------------------
def _results(annotation: Mapping[str, Any]) -> dict[str, Any]:
    """The value of each control (the first choice, or the text) of one annotation, by control name."""
    out: dict[str, Any] = {}
    for r in annotation.get("result") or []:
        value = r.get("value") or {}
        if r.get("type") == "choices" and value.get("choices"):
            out[r.get("from_name", "")] = str(value["choices"][0])
        elif r.get("type") == "textarea" and value.get("text"):
            text = value["text"]
            out[r.get("from_name", "")] = str(text[0] if isinstance(text, list) else text).strip()
    return out


def owner_answer_of(
    data: Mapping[str, Any], choice: str, other_name: str | None, who: str | None, when: dt.datetime, task: int | None
) -> OwnerAnswer:
    """The answer a choice (and typed name) makes on an owner task; ValueError for a choice it cannot use."""
    domain = str(data.get("domain") or str(data.get("orgmap_id", "")).partition(":")[2])
    cands = data.get("candidates") or []
    if choice.isdigit():
        choice = f"candidate {int(choice)}"
    if choice in CANDIDATES:
        k = CANDIDATES.index(choice)
        if k >= len(cands):
            raise ValueError(f"{choice} but the task shows {len(cands)} candidates")
        status, name = "linked", str(cands[k]["name"])
    elif choice == ANOTHER:
        if not other_name:
            raise ValueError("'another name' without a name")
        status, name = "linked", other_name
    elif choice in ("person", "platform", "unknown"):
        status, name = choice, (other_name or "") if choice == "person" else ""
    else:
        raise ValueError(f"unknown choice {choice!r}; use one of {', '.join(OWNER_CHOICES)}")
    return OwnerAnswer(domain, status, name or None, choice, who, when, task, data.get("predicted"))


def pair_answer_of(
    data: Mapping[str, Any], choice: str, parent: str | None, who: str | None, when: dt.datetime, task: int | None
) -> PairAnswer:
    """The answer a choice makes on a merge task; ValueError for a choice it cannot use."""
    a, b = str(data["a"]["domain"]), str(data["b"]["domain"])
    decision = PAIR_CHOICES.get(choice, choice if choice in PAIR_CHOICES.values() else "")
    if not decision:
        raise ValueError(f"unknown choice {choice!r}; use one of {', '.join(PAIR_CHOICES)}")
    side = PARENT_CHOICES.get(parent or "", (parent or "").lower())
    parent_dom = {"a": a, "b": b}.get(side) or (parent if parent in (a, b) else None)
    if decision != "parent_subsidiary":
        parent_dom = None
    if b < a:
        a, b = b, a
    return PairAnswer(a, b, decision, parent_dom, who, when, task, data.get("predicted"), data.get("confidence"))


def _who(annotation: Mapping[str, Any], users: Mapping[int, str]) -> str | None:
    who = annotation.get("completed_by")
    if isinstance(who, Mapping):
        who = who.get("email") or who.get("id")
    elif isinstance(who, int):
        who = users.get(who, str(who))
    return None if who is None else str(who)


def answers_of(
    tasks: Iterable[Mapping[str, Any]], users: Mapping[int, str] | None = None, *, default_time: dt.datetime
) -> tuple[list[OwnerAnswer | PairAnswer], list[dict[str, Any]]]:
    """Every valid answer in Label Studio tasks (JSON export shape), and the problems found.

    Each annotation that chose something is an answer (cancelled and skipped ones are not); which one counts
    is the store's rule (the latest: views ``verified_owners`` / ``verified_pairs``).
    """
    users = users or {}
    answers: list[OwnerAnswer | PairAnswer] = []
    problems: list[dict[str, Any]] = []
    for t in tasks:
        data = t.get("data") or {}
        kind = str(data.get("orgmap_id") or "").partition(":")[0]
        for ann in t.get("annotations") or []:
            if ann.get("was_cancelled"):
                continue
            res = _results(ann)
            when = parse_time(ann.get("updated_at") or ann.get("created_at")) or default_time
            who, tid = _who(ann, users), t.get("id")
            try:
                if kind == "owner" and OWNER_CONTROL in res:
                    answers.append(owner_answer_of(data, res[OWNER_CONTROL], res.get(NAME_CONTROL), who, when, tid))
                elif kind == "pair" and PAIR_CONTROL in res:
                    answers.append(pair_answer_of(data, res[PAIR_CONTROL], res.get(PARENT_CONTROL), who, when, tid))
                elif kind not in ("owner", "pair"):
                    problems.append({"task_id": tid, "problem": "not an orgmap owner or merge task"})
            except (ValueError, KeyError, TypeError) as exc:
                problems.append({"task_id": tid, "item": data.get("orgmap_id"), "problem": str(exc)})
    return answers, problems
