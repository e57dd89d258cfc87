"""Runs the CloudFront Function from infra/template.yaml (DirectoryIndexFunction)
under Node.js with the events CloudFront would send, and checks what it does:
directory URLs get index.html, extension-less paths are redirected to the
directory URL with their query string, files pass untouched.

Prints one `ok - ...` or `FAIL - ...` line per case (or one `SKIP - ...` line
without Node.js); exits 1 if any failed.
"""

import json
import pathlib
import shutil
import subprocess
import sys
import tempfile

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]

CASES = [
    # uri, querystring, expected: ("uri", new uri) or ("redirect", location)
    ("/", {}, ("uri", "/index.html")),
    ("/hosts/brook-lane-primary/", {}, ("uri", "/hosts/brook-lane-primary/index.html")),
    ("/hosts/brook-lane-primary", {}, ("redirect", "/hosts/brook-lane-primary/")),
    ("/search", {"q": {"value": "writing"}}, ("redirect", "/search/?q=writing")),
    (
        "/visits",
        {"region": {"value": "london", "multiValue": [{"value": "london"}, {"value": "south-east"}]}},
        ("redirect", "/visits/?region=london&region=south-east"),
    ),
    ("/assets/site.0123abcd.css", {}, ("uri", "/assets/site.0123abcd.css")),
    ("/pagefind/wasm.en.pagefind", {}, ("uri", "/pagefind/wasm.en.pagefind")),
    ("/slots.json", {}, ("uri", "/slots.json")),
    ("/hosts/brook-lane-primary/100001-2027-10-13-0915.ics", {}, ("uri", "/hosts/brook-lane-primary/100001-2027-10-13-0915.ics")),
]

HARNESS = """
var cases = %s;
var out = [];
for (var i = 0; i < cases.length; i++) {
  var c = cases[i];
  var result = handler({ request: { method: 'GET', uri: c[0], querystring: c[1], headers: {}, cookies: {} } });
  if (result.statusCode) {
    out.push(['redirect', result.headers.location.value, result.statusCode]);
  } else {
    out.push(['uri', result.uri, 0]);
  }
}
console.log(JSON.stringify(out));
"""


def main():
    node = shutil.which("node")
    if not node:
        print("SKIP - CloudFront directory-index function (needs Node.js)")
        return 0
    tpl = yaml.safe_load((ROOT / "infra" / "template.yaml").read_text())
    code = tpl["Resources"]["DirectoryIndexFunction"]["Properties"]["FunctionCode"]
    with tempfile.NamedTemporaryFile("w", suffix=".js", delete=False) as f:
        f.write(code + HARNESS % json.dumps([[u, q] for u, q, _ in CASES]))
        script = f.name
    try:
        run = subprocess.run([node, script], capture_output=True, text=True, timeout=30)
    finally:
        pathlib.Path(script).unlink()
    if run.returncode != 0:
        print(f"FAIL - CloudFront directory-index function runs: {run.stderr.strip()}")
        return 1
    failures = 0
    for (uri, _, (kind, want)), (got_kind, got, status) in zip(CASES, json.loads(run.stdout)):
        good = got_kind == kind and got == want and (kind == "uri" or status == 301)
        label = f"CloudFront function: {uri} -> {'301 ' if kind == 'redirect' else ''}{want}"
        print(f"ok - {label}" if good else f"FAIL - {label}: got {got_kind} {got} {status or ''}")
        failures += not good
    return 1 if failures else 0


sys.exit(main())
