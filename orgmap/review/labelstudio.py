"""A small Label Studio client (httpx): projects from the taxonomy, idempotent task import, annotation export.

Every task carries a stable ``orgmap_id`` (``"<target>:<item_id>"``) in its data; :meth:`LabelStudio.import_tasks`
skips ids the project already holds, so pushing the same items twice does not duplicate them. Predictions go in as
pre-annotations (``model_version``, ``score``, a ``choices`` result); ``score`` is orgmap's *priority* (lower =
label first), so a project whose sampling is "Uncertainty sampling" serves the most informative task first.

Why not label-studio-sdk (2.1.2, evaluated 2026-12): it covers every call made here (projects, import,
export, annotations, users, ML backends, data-manager actions) and takes our httpx client, but it pulls ~30
packages (opencv-python-headless, nltk, datamodel-code-generator, black, Faker, requests-mock pinned ``==``;
500 MB in a scratch venv), pins ``numpy<3`` against the 2.4 orgmap runs on, and would downgrade it. That is
too much for a dozen REST calls that this module makes with httpx and tests against a real server.

Errors (all :class:`LabelStudioError`, an :class:`~resolver.errors.OrgmapError`) say what to do next:
unreachable server, wrong token (401/403), a project whose labeling config does not match the taxonomy.

Example::

    ls = LabelStudio("http://127.0.0.1:8080", token)
    project = ls.ensure_project("domain", tax.classes("domain"))
    ls.import_tasks(project, tasks)              # [{"data": {"orgmap_id": ...}, "predictions": [...]}]
    gold = resolve_annotations(ls.export(project), "domain")
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape, unescape

import httpx

from resolver.errors import OrgmapError

FROM_NAME = "label"
"""The ``Choices`` control's name: results with ``from_name == "label"`` are orgmap's class."""
TO_NAME = "text"
BATCH_TASKS = 5_000
"""Tasks per import request: far below Label Studio's cap (250k tasks / 200 MB per request)."""


def redact_url(url: str) -> str:
    """``url`` without a user and password (``http://user:pw@host`` → ``http://host``): fit to store and print.

    Text that holds such URLs has each of them redacted.

    >>> redact_url("https://admin:s3cret@ls.example.org:8443/api")
    'https://ls.example.org:8443/api'
    """
    return _USERINFO.sub(r"\1", url)


_USERINFO = re.compile(r"\b([a-z][a-z0-9+.-]*://)[^/?#\s]*@", re.IGNORECASE)


class LabelStudioError(OrgmapError):
    """Label Studio could not be reached, refused the token, or holds a project orgmap cannot use."""

    def __init__(self, message: str, *, url: str | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.url = url
        """The request URL, where one was made."""
        self.status = status
        """The HTTP status, where a response came."""


@dataclass(frozen=True)
class Project:
    """A Label Studio project orgmap labels one target in."""

    id: int
    """Label Studio's project id."""
    title: str
    """Its title (``orgmap <target>`` by default)."""
    target: str
    """page | domain | org."""
    classes: tuple[str, ...]
    """The choices of its labeling config."""


@dataclass(frozen=True)
class GoldLabel:
    """One resolved human label for an item (the winner among a task's annotations)."""

    target: str
    """page | domain | org."""
    item_id: str
    """The orgmap item id."""
    label: str
    """The chosen class."""
    annotator: str | None
    """Email (or id) of whoever made the winning annotation."""
    annotated_at: dt.datetime | None
    """When the winning annotation was last updated (UTC, naive)."""
    task_id: int | None
    """Label Studio's task id."""
    n_annotations: int
    """Valid (not cancelled, non-empty) annotations the task had."""
    conflict: bool = False
    """Its valid annotations chose different classes (resolved by the rule of :func:`resolve_annotations`)."""


def labeling_config(target: str, classes: Sequence[str]) -> str:
    """The Label Studio XML config of ``target``: the page/domain/org text and one single-choice class question."""
    choices = "\n".join(f'    <Choice value="{escape(c, _ATTR)}"/>' for c in classes)
    return (
        "<View>\n"
        f'  <Header value="$title"/>\n'
        '  <Text name="url" value="$url"/>\n'
        f'  <Text name="{TO_NAME}" value="$text"/>\n'
        '  <Text name="evidence" value="$evidence_text"/>\n'
        f'  <Choices name="{FROM_NAME}" toName="{TO_NAME}" choice="single" showInline="true">\n'
        f"{choices}\n"
        "  </Choices>\n"
        f"  <!-- orgmap target={target} -->\n"
        "</View>"
    )


def config_classes(xml: str) -> tuple[str, ...]:
    """The choice values of the ``label`` Choices control of a labeling config."""
    block = re.search(rf'<Choices[^>]*name="{FROM_NAME}"[^>]*>(.*?)</Choices>', xml, re.S)
    if not block:
        return ()
    return tuple(unescape(v, _UNATTR) for v in re.findall(r'<Choice[^>]*value="([^"]*)"', block[1]))


_ATTR = {'"': "&quot;", "'": "&apos;"}
_UNATTR = {v: k for k, v in _ATTR.items()}


def orgmap_id(target: str, item_id: str) -> str:
    """The stable id a task keeps in its data: ``"domain:example.com"``."""
    return f"{target}:{item_id}"


def choice_result(label: str) -> list[dict[str, Any]]:
    """A ``choices`` result (prediction or annotation) for ``label``."""
    return [{"from_name": FROM_NAME, "to_name": TO_NAME, "type": "choices", "value": {"choices": [label]}}]


class LabelStudio:
    """Token-authenticated access to one Label Studio server."""

    def __init__(self, url: str, token: str, *, timeout: float = 60.0, transport: httpx.BaseTransport | None = None):
        base = url.rstrip("/")
        self.url = redact_url(base)
        """The server's URL without the user and password it may carry: what is stored and printed."""
        self._http = httpx.Client(
            base_url=base,
            headers={"Authorization": f"Token {token}"},
            timeout=httpx.Timeout(timeout, connect=10.0),
            transport=transport,
        )

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def __enter__(self) -> LabelStudio:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- HTTP --------------------------------------------------------------------------------------
    def request(self, method: str, path: str, **kw: Any) -> Any:
        """One API call; JSON body back (None when empty). Raises :class:`LabelStudioError`."""
        try:
            r = self._http.request(method, path, **kw)
        except httpx.TransportError as exc:
            raise LabelStudioError(
                f"cannot reach Label Studio at {self.url} ({exc.__class__.__name__}: {redact_url(str(exc))}); "
                "is it running? Start it with `label-studio start` or pass the right --url / LABEL_STUDIO_URL",
                url=f"{self.url}{path}",
            ) from exc
        if r.status_code in (401, 403):
            raise LabelStudioError(
                f"Label Studio at {self.url} refused the token (HTTP {r.status_code}); copy the access token from "
                "Account & Settings into --token / LABEL_STUDIO_TOKEN (legacy tokens need "
                "LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN=true on the server)",
                url=redact_url(str(r.request.url)),
                status=r.status_code,
            )
        if r.status_code >= 400:
            raise LabelStudioError(
                f"Label Studio {method} {path} failed with HTTP {r.status_code}: {r.text[:500]}",
                url=redact_url(str(r.request.url)),
                status=r.status_code,
            )
        if not r.content:
            return None
        return r.json()

    def version(self) -> dict[str, Any]:
        """The server's version document (also checks the token)."""
        self.request("GET", "/api/projects", params={"page_size": 1})
        return self.request("GET", "/api/version") or {}

    # -- projects ----------------------------------------------------------------------------------
    def projects(self) -> list[dict[str, Any]]:
        """Every project visible to the token's user."""
        out: list[dict[str, Any]] = []
        page = 1
        while True:
            body = self.request("GET", "/api/projects", params={"page": page, "page_size": 100})
            rows = body.get("results", []) if isinstance(body, dict) else (body or [])
            out.extend(rows)
            if not isinstance(body, dict) or not body.get("next"):
                return out
            page += 1

    def ensure_project(
        self,
        target: str,
        classes: Sequence[str],
        *,
        title: str | None = None,
        sampling: str = "Uncertainty sampling",
        create: bool = True,
    ) -> Project:
        """The project titled ``title`` (default ``orgmap <target>``), created when missing.

        An existing project must have exactly the taxonomy's classes, else :class:`LabelStudioError`.
        """
        title = title or f"orgmap {target}"
        for p in self.projects():
            if p.get("title") == title:
                have = config_classes(p.get("label_config") or "")
                if tuple(have) != tuple(classes):
                    raise LabelStudioError(
                        f"Label Studio project {p['id']} {title!r} has choices {list(have)} but the {target} taxonomy "
                        f"has {list(classes)}; update the project's labeling config to the output of "
                        f"`orgmap label config --target {target}`, or push to a new project with --project-title",
                        url=f"{self.url}/projects/{p['id']}",
                    )
                return Project(int(p["id"]), title, target, tuple(classes))
        if not create:
            raise LabelStudioError(
                f"no Label Studio project titled {title!r} at {self.url}; push first (`orgmap label push --target "
                f"{target}`) or pass the project's title with --project-title",
                url=self.url,
            )
        body = {
            "title": title,
            "description": f"orgmap {target} classification (created by `orgmap label push`)",
            "label_config": labeling_config(target, classes),
            "sampling": sampling,
            "show_collab_predictions": True,
        }
        p = self.request("POST", "/api/projects", json=body)
        return Project(int(p["id"]), title, target, tuple(classes))

    # -- tasks -------------------------------------------------------------------------------------
    def export(self, project: Project | int, *, all_tasks: bool = True) -> list[dict[str, Any]]:
        """Every task of the project with its annotations and predictions (Label Studio JSON export)."""
        pid = project.id if isinstance(project, Project) else project
        params = {"exportType": "JSON", "download_all_tasks": "true" if all_tasks else "false"}
        return self.request("GET", f"/api/projects/{pid}/export", params=params) or []

    def existing_ids(self, project: Project | int) -> dict[str, int]:
        """``orgmap_id`` → task id of the tasks the project already holds."""
        return {
            t["data"]["orgmap_id"]: int(t["id"]) for t in self.export(project) if (t.get("data") or {}).get("orgmap_id")
        }

    def import_tasks(
        self, project: Project | int, tasks: Iterable[Mapping[str, Any]], *, batch_size: int = BATCH_TASKS
    ) -> dict[str, int]:
        """Import tasks not already in the project (by ``data.orgmap_id``), in batches; ``{imported, skipped}``."""
        pid = project.id if isinstance(project, Project) else project
        have = set(self.existing_ids(pid))
        batch: list[Mapping[str, Any]] = []
        counts = {"imported": 0, "skipped": 0}
        for task in tasks:
            oid = task["data"].get("orgmap_id")
            if not oid:
                raise LabelStudioError(
                    "every orgmap task needs data.orgmap_id (see orgmap.review.labelstudio.orgmap_id)"
                )
            if oid in have:
                counts["skipped"] += 1
                continue
            have.add(oid)
            batch.append(task)
            if len(batch) >= batch_size:
                counts["imported"] += self._import(pid, batch)
                batch = []
        if batch:
            counts["imported"] += self._import(pid, batch)
        return counts

    def _import(self, pid: int, batch: list[Mapping[str, Any]]) -> int:
        body = self.request("POST", f"/api/projects/{pid}/import", params={"commit_to_project": "true"}, json=batch)
        return int((body or {}).get("task_count", len(batch)))

    def annotate(self, task_id: int, label: str, *, cancelled: bool = False) -> dict[str, Any]:
        """Post an annotation as the token's user (what a labeller's click does; used by tests and scripts)."""
        body = {"result": [] if cancelled else choice_result(label), "was_cancelled": cancelled}
        return self.request("POST", f"/api/tasks/{task_id}/annotations", json=body)

    def users(self) -> dict[int, str]:
        """User id → email (to name annotators)."""
        try:
            rows = self.request("GET", "/api/users") or []
        except LabelStudioError:
            return {}
        rows = rows.get("results", []) if isinstance(rows, dict) else rows
        return {int(u["id"]): u.get("email") or u.get("username") or str(u["id"]) for u in rows}

    # -- ML backend --------------------------------------------------------------------------------
    def connect_backend(self, project: Project | int, url: str, *, title: str = "orgmap") -> dict[str, Any]:
        """Connect an ML backend (``orgmap serve``) to the project; Label Studio calls its /health and /setup."""
        pid = project.id if isinstance(project, Project) else project
        return self.request("POST", "/api/ml", json={"url": url, "project": pid, "title": title})

    def retrieve_predictions(self, project: Project | int, task_ids: Sequence[int] | None = None) -> Any:
        """Ask Label Studio to fetch predictions for tasks from its connected ML backends (Data Manager action)."""
        pid = project.id if isinstance(project, Project) else project
        selected: dict[str, Any] = (
            {"all": True, "excluded": []} if task_ids is None else {"all": False, "included": list(task_ids)}
        )
        return self.request(
            "POST",
            "/api/dm/actions",
            params={"id": "retrieve_tasks_predictions", "project": pid},
            json={"selectedItems": selected, "project": pid},
        )

    def task(self, task_id: int) -> dict[str, Any]:
        """One task with its annotations and predictions."""
        return self.request("GET", f"/api/tasks/{task_id}")


# -- annotations → gold labels ---------------------------------------------------------------------
def _ts(value: Any) -> dt.datetime | None:
    if not value:
        return None
    try:
        t = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return t.astimezone(dt.UTC).replace(tzinfo=None) if t.tzinfo else t


def annotation_label(annotation: Mapping[str, Any]) -> str | None:
    """The class an annotation chose, or None (cancelled, skipped, empty, other controls only)."""
    if annotation.get("was_cancelled"):
        return None
    for r in annotation.get("result") or []:
        if r.get("type") == "choices" and r.get("from_name", FROM_NAME) == FROM_NAME:
            choices = (r.get("value") or {}).get("choices") or []
            if choices:
                return str(choices[0])
    return None


def resolve_annotations(
    tasks: Iterable[Mapping[str, Any]],
    target: str,
    classes: Sequence[str] | None = None,
    users: Mapping[int, str] | None = None,
) -> tuple[list[GoldLabel], list[dict[str, Any]]]:
    """One gold label per annotated task, and the problems found (unknown class, no orgmap id).

    Conflict rule: cancelled/skipped and empty annotations are ignored; among the rest the most recently
    updated annotation wins (a labeller's correction or a reviewer's later decision supersedes); when several
    share the latest timestamp, the majority class among all valid annotations decides, then the class name.
    """
    users = users or {}
    known = set(classes) if classes is not None else None
    gold: list[GoldLabel] = []
    problems: list[dict[str, Any]] = []
    for t in tasks:
        data = t.get("data") or {}
        oid = str(data.get("orgmap_id") or "")
        valid = []
        for a in t.get("annotations") or []:
            label = annotation_label(a)
            if label is not None:
                valid.append((label, _ts(a.get("updated_at") or a.get("created_at")), a))
        if not valid:
            continue
        tgt, _, item = oid.partition(":")
        if not item or tgt != target:
            if not item:
                problems.append({"task_id": t.get("id"), "problem": "task has no data.orgmap_id; not an orgmap task"})
            continue
        votes = Counter(label for label, _, _ in valid)
        latest = max((ts for _, ts, _ in valid if ts is not None), default=None)
        top = [v for v in valid if v[1] == latest] if latest is not None else valid
        label, ts, ann = max(top, key=lambda v: (votes[v[0]], v[0]))
        if known is not None and label not in known:
            problems.append({"task_id": t.get("id"), "item_id": item, "problem": f"unknown class {label!r}"})
            continue
        who = ann.get("completed_by")
        if isinstance(who, Mapping):
            who = who.get("email") or who.get("id")
        elif isinstance(who, int):
            who = users.get(who, str(who))
        gold.append(
            GoldLabel(
                target, item, label, None if who is None else str(who), ts, t.get("id"), len(valid), len(votes) > 1
            )
        )
    return gold, problems


def evidence_text(evidence: str | Mapping[str, Any] | None) -> str:
    """LF votes and the label model's view as one readable line for the labeller."""
    if not evidence:
        return ""
    ev = json.loads(evidence) if isinstance(evidence, str) else dict(evidence)
    parts = [f"{k} → {v}" for k, v in (ev.get("lf") or {}).items()]
    lm = ev.get("label_model")
    if lm:
        parts.append(f"label model: {lm.get('label')} ({lm.get('p')})")
    return "; ".join(parts) or "no labeling function fired"
