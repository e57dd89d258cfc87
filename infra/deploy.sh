#!/usr/bin/env bash
# Release the Inside Knowledge prospectus to AWS, start to finish:
#
#   1. preflight      settings, tools and AWS credentials (refuses with a list of what is missing)
#   2. tools          build the `prospectus` and `bookings` command lines
#   3. check          `prospectus check`: a site whose content has errors is never deployed
#   4. build          `prospectus build --out public`
#   5. sam build      the booking function (infra/function/Makefile: cargo-lambda) and the template
#   6. sam deploy     the stack: bucket, CloudFront, HTTP API, function, table, alarms
#   7. outputs        bucket, distribution and table names from the stack
#   8. sync slots     `bookings --table T sync-slots public/slots.json`
#   9. upload         `aws s3 sync public/` with cache headers, in three passes
#  10. invalidate     a CloudFront invalidation of the pages that changed
#
# It stops at the first failure, says which step failed and what to do.
# Each step is safe to repeat, so after fixing the cause run the script again.
#
# Usage: infra/deploy.sh [--dry-run]
#   --dry-run   check the settings and tools, then print every command instead
#               of running it (no AWS call, no build)
#
# Settings (environment variables):
#   STACK_NAME            required  CloudFormation stack, e.g. inside-knowledge (letters, digits, '-'; at most 40)
#   AWS_REGION            required  region of the stack and table, e.g. eu-west-2
#   DOMAIN_NAME           optional  custom domain, e.g. prospectus.example.org (needs CERTIFICATE_ARN)
#   CERTIFICATE_ARN       optional  ACM certificate for DOMAIN_NAME; must be in us-east-1 (CloudFront's rule)
#   ALARM_EMAIL           optional  address subscribed to the alarms
#   RESERVED_CONCURRENCY  optional  reserved concurrency of the function (default 10; 0 = none)
#   API_RATE_LIMIT        optional  requests per second the API accepts (default 20)
#   API_BURST_LIMIT       optional  burst above that (default 40)
#   SITE_TITLE            optional  default: `title` in content/site.toml
#   RETENTION_DAYS        optional  default: `retention_days` in content/site.toml
#   FULL_UPLOAD=1         optional  upload every file again (e.g. after changing cache headers)
#   PROSPECTUS, BOOKINGS  optional  paths to prebuilt binaries (default: built by step 2)
set -Eeuo pipefail

DRY_RUN=0
for arg in "$@"; do
    case "$arg" in
        --dry-run) DRY_RUN=1 ;;
        -h | --help)
            sed -n '2,/^set -Eeuo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'
            exit 0
            ;;
        *)
            echo "deploy.sh: unknown option '$arg' (try --help)" >&2
            exit 2
            ;;
    esac
done

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

TOTAL_STEPS=10
STEP_NO=0
STEP="preflight"
HINT="Fix the settings listed above and run the script again."

on_error() {
    local status=$1
    # Report once, from the main shell, not again from each subshell.
    ((BASH_SUBSHELL == 0)) || return 0
    {
        echo
        echo "deploy.sh: FAILED at step $STEP_NO/$TOTAL_STEPS ($STEP), exit status $status."
        echo "What to do: $HINT"
        echo "Nothing after this step ran. Every step is safe to repeat: fix the cause and run infra/deploy.sh again."
    } >&2
}
trap 'on_error $?' ERR

step() {
    STEP_NO=$((STEP_NO + 1))
    STEP=$1
    HINT=$2
    printf '\n==> [%d/%d] %s\n' "$STEP_NO" "$TOTAL_STEPS" "$STEP"
}

# Print a command (quoted so that it can be pasted into a shell), then run
# it, or only print it with --dry-run.
run() {
    local arg words=()
    for arg in "$@"; do
        if [[ "$arg" =~ ^[A-Za-z0-9_./:=@,+%-]+$ ]]; then
            words+=("$arg")
        else
            words+=("'${arg//\'/\'\\\'\'}'")
        fi
    done
    printf '+ %s\n' "${words[*]}"
    if ((DRY_RUN)); then
        return 0
    fi
    "$@"
}

# A value from content/site.toml: a top-level key, or one inside [section].
site_toml() {
    local section=$1 key=$2
    awk -v want="$section" -v key="$key" '
        /^[[:space:]]*\[/ { line = $0; gsub(/[][[:space:]]/, "", line); section = line; next }
        section == want && $0 ~ "^[[:space:]]*" key "[[:space:]]*=" {
            value = $0
            sub(/^[^=]*=[[:space:]]*/, "", value)
            sub(/[[:space:]]*(#.*)?$/, "", value)
            gsub(/^"|"$/, "", value)
            print value
            exit
        }' content/site.toml
}

# ------------------------------------------------------------------ 1. preflight
step "preflight" "Set the missing settings or install the missing tools listed above, then run the script again."

problems=()
need_var() {
    if [[ -z "${!1:-}" ]]; then
        problems+=("$1 is not set: $2")
    fi
}
need_var STACK_NAME "the CloudFormation stack to deploy, e.g. STACK_NAME=inside-knowledge"
need_var AWS_REGION "the region of the stack and table, e.g. AWS_REGION=eu-west-2"

if [[ -n "${STACK_NAME:-}" && ! "$STACK_NAME" =~ ^[A-Za-z][A-Za-z0-9-]{0,39}$ ]]; then
    problems+=("STACK_NAME '$STACK_NAME' must start with a letter and hold only letters, digits and '-', at most 40 characters (it prefixes CloudFront names)")
fi
if [[ -n "${AWS_REGION:-}" && ! "$AWS_REGION" =~ ^[a-z]{2}(-[a-z]+)+-[0-9]$ ]]; then
    problems+=("AWS_REGION '$AWS_REGION' does not look like a region name such as eu-west-2")
fi

DOMAIN_NAME=${DOMAIN_NAME:-}
CERTIFICATE_ARN=${CERTIFICATE_ARN:-}
if [[ -n "$DOMAIN_NAME" && -z "$CERTIFICATE_ARN" ]]; then
    problems+=("DOMAIN_NAME is set but CERTIFICATE_ARN is not: CloudFront needs an ACM certificate for $DOMAIN_NAME, issued in us-east-1")
fi
if [[ -z "$DOMAIN_NAME" && -n "$CERTIFICATE_ARN" ]]; then
    problems+=("CERTIFICATE_ARN is set but DOMAIN_NAME is not: set both, or neither to use the CloudFront domain")
fi
if [[ -n "$CERTIFICATE_ARN" && ! "$CERTIFICATE_ARN" =~ ^arn:aws:acm:us-east-1:[0-9]{12}:certificate/[0-9a-f-]{36}$ ]]; then
    problems+=("CERTIFICATE_ARN must be an ACM certificate in us-east-1 (CloudFront only uses certificates from N. Virginia), not '$CERTIFICATE_ARN'")
fi

if [[ ! -f content/site.toml ]]; then
    problems+=("content/site.toml is missing: run the script from a checkout of the prospectus repository")
else
    SITE_TITLE=${SITE_TITLE:-$(site_toml "" title)}
    RETENTION_DAYS=${RETENTION_DAYS:-$(site_toml booking retention_days)}
    base_url=$(site_toml "" base_url)
    if [[ -n "$DOMAIN_NAME" && "${base_url%/}" != "https://$DOMAIN_NAME" ]]; then
        problems+=("base_url in content/site.toml is '$base_url' but DOMAIN_NAME is $DOMAIN_NAME: the sitemap, feeds and canonical links would point elsewhere; make them agree")
    fi
fi
SITE_TITLE=${SITE_TITLE:-}
RETENTION_DAYS=${RETENTION_DAYS:-}
if [[ -z "$SITE_TITLE" || "$SITE_TITLE" == *[\"\\]* ]]; then
    problems+=("SITE_TITLE '$SITE_TITLE' must be set (from title in content/site.toml) and hold no \" or \\")
fi
if [[ ! "$RETENTION_DAYS" =~ ^[0-9]+$ ]] || ((RETENTION_DAYS < 1 || RETENTION_DAYS > 3650)); then
    problems+=("RETENTION_DAYS '$RETENTION_DAYS' must be a whole number of days from 1 to 3650 (booking.retention_days in content/site.toml)")
fi

RESERVED_CONCURRENCY=${RESERVED_CONCURRENCY:-10}
API_RATE_LIMIT=${API_RATE_LIMIT:-20}
API_BURST_LIMIT=${API_BURST_LIMIT:-40}
ALARM_EMAIL=${ALARM_EMAIL:-}
for var in RESERVED_CONCURRENCY API_RATE_LIMIT API_BURST_LIMIT; do
    if [[ ! "${!var}" =~ ^[0-9]+$ ]]; then
        problems+=("$var '${!var}' must be a whole number")
    fi
done

need_tool() {
    if ! command -v "$1" >/dev/null 2>&1; then
        problems+=("$1 is not installed: $2")
    fi
}
need_tool aws "the AWS CLI (pip install awscli, or AWS's installer)"
need_tool sam "the AWS SAM CLI (pip install -r infra/requirements.txt)"
need_tool cargo "the Rust toolchain (rustup)"
if command -v cargo >/dev/null 2>&1 && ! cargo lambda --version >/dev/null 2>&1; then
    problems+=("cargo-lambda is not installed: sam build needs it for the Rust function (pip install cargo-lambda ziglang)")
fi
need_tool make "GNU make: sam build runs infra/function/Makefile to build the function (Debian: apt-get install make)"

if ((${#problems[@]})); then
    echo "deploy.sh: refusing to start:" >&2
    printf '  - %s\n' "${problems[@]}" >&2
    false
fi

export AWS_REGION
export AWS_DEFAULT_REGION=$AWS_REGION
export SAM_CLI_TELEMETRY=0

domain_shown=${DOMAIN_NAME:-the CloudFront domain}
echo "stack $STACK_NAME in $AWS_REGION; site title \"$SITE_TITLE\"; retention $RETENTION_DAYS days; address $domain_shown"
HINT="Give the script AWS credentials (aws configure, AWS_PROFILE, or the OIDC role in CI) that may deploy the stack."
if ((DRY_RUN)); then
    echo "(dry run: would check credentials with 'aws sts get-caller-identity')"
else
    account=$(aws sts get-caller-identity --query Account --output text)
    echo "AWS account $account"
fi

work=$(mktemp -d)
cleanup() { rm -rf "$work"; }
trap cleanup EXIT

# ---------------------------------------------------------------------- 2. tools
step "tools" "The workspace does not compile: run 'cargo build -p generator -p booking-fn' locally and fix the error."
if [[ -z "${PROSPECTUS:-}" || -z "${BOOKINGS:-}" ]]; then
    run cargo build --release --locked -p generator --bin prospectus
    run cargo build --release --locked -p booking-fn --bin bookings
fi
PROSPECTUS=${PROSPECTUS:-$root/target/release/prospectus}
BOOKINGS=${BOOKINGS:-$root/target/release/bookings}

# ---------------------------------------------------------------------- 3. check
step "check" "The content has errors (listed above as path:line:col: field: message). Fix them in content/ (see docs/editors-guide.md); nothing was deployed."
run "$PROSPECTUS" check

# ---------------------------------------------------------------------- 4. build
step "build" "The site did not build although its content checks clean: report the message above to a developer; nothing was deployed."
run "$PROSPECTUS" build --out public
if ((!DRY_RUN)) && [[ ! -s public/slots.json || ! -s public/index.html || ! -s public/404.html ]]; then
    echo "public/ lacks index.html, 404.html or slots.json" >&2
    false
fi

# ------------------------------------------------------------------ 5. sam build
step "sam build" "The booking function did not build for Lambda: check that cargo-lambda and ziglang are installed (pip install cargo-lambda ziglang) and that 'bash bench/lambda-size.sh' (the same build, infra/function/Makefile) works."
# The build goes to a temporary folder so the checkout stays clean.
run sam build --template-file infra/template.yaml --build-dir "$work/sam-build"

# ----------------------------------------------------------------- 6. sam deploy
step "sam deploy" "CloudFormation refused or rolled back the change: read the stack events (aws cloudformation describe-stack-events --stack-name $STACK_NAME) for the first failed resource. The site and table were not changed by this run."
run sam deploy \
    --template-file "$work/sam-build/template.yaml" \
    --stack-name "$STACK_NAME" \
    --region "$AWS_REGION" \
    --capabilities CAPABILITY_IAM \
    --resolve-s3 \
    --no-confirm-changeset \
    --no-fail-on-empty-changeset \
    --tags project=inside-knowledge \
    --parameter-overrides \
    "DomainName=\"$DOMAIN_NAME\"" \
    "CertificateArn=\"$CERTIFICATE_ARN\"" \
    "SiteTitle=\"$SITE_TITLE\"" \
    "RetentionDays=$RETENTION_DAYS" \
    "AlarmEmail=\"$ALARM_EMAIL\"" \
    "ReservedConcurrency=$RESERVED_CONCURRENCY" \
    "ApiRateLimit=$API_RATE_LIMIT" \
    "ApiBurstLimit=$API_BURST_LIMIT"

# -------------------------------------------------------------------- 7. outputs
step "outputs" "The stack has no such output: check that the stack $STACK_NAME was deployed from infra/template.yaml."
output() {
    local value
    value=$(aws cloudformation describe-stacks --stack-name "$STACK_NAME" \
        --query "Stacks[0].Outputs[?OutputKey=='$1'].OutputValue" --output text)
    if [[ -z "$value" || "$value" == "None" ]]; then
        echo "stack output $1 is missing" >&2
        return 1
    fi
    echo "$value"
}
if ((DRY_RUN)); then
    for key in BucketName DistributionId TableName SiteUrl; do
        run aws cloudformation describe-stacks --stack-name "$STACK_NAME" \
            --query "Stacks[0].Outputs[?OutputKey=='$key'].OutputValue" --output text
    done
    BUCKET="<BucketName>" DISTRIBUTION="<DistributionId>" TABLE="<TableName>" SITE_URL="<SiteUrl>"
else
    BUCKET=$(output BucketName)
    DISTRIBUTION=$(output DistributionId)
    TABLE=$(output TableName)
    SITE_URL=$(output SiteUrl)
fi
echo "bucket $BUCKET, distribution $DISTRIBUTION, table $TABLE"

# ---------------------------------------------------------------- 8. sync slots
# Before the upload, not after: the table then knows every visit date before
# a page offers it, and if this step fails the old site stays up, still
# consistent with the table. Capacity is never lowered below what is booked,
# and removed dates are marked withdrawn, never deleted (see bookings --help).
step "sync slots" "The bookings table did not accept public/slots.json: read the message above. The new pages were not uploaded, so the live site still matches the table."
run "$BOOKINGS" --table "$TABLE" sync-slots public/slots.json

# -------------------------------------------------------------------- 9. upload
step "upload" "Uploading to s3://$BUCKET failed part-way: run the script again (sync only sends what is missing or different)."

# Fingerprinted files never change under their name: cache them for a year.
# Pagefind's index, fragment and filter chunks and its pf_meta are named by
# their hash too; pagefind.js, pagefind-entry.json and the wasm are not, so
# they get the short cache with the pages.
hex8='[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]'
immutable=(
    "assets/*.$hex8.css"
    "assets/*.$hex8.js"
    "pagefind/index/*"
    "pagefind/fragment/*"
    "pagefind/filter/*"
    "pagefind/pagefind.*.pf_meta"
)
long_cache="public, max-age=31536000, immutable"
# Pages, feeds, slots.json, the sitemap and unfingerprinted files: browsers
# and CloudFront may keep them a minute, then must ask again.
short_cache="public, max-age=60, must-revalidate"

include_immutable=(--exclude "*")
exclude_immutable=()
for pattern in "${immutable[@]}"; do
    include_immutable+=(--include "$pattern")
    exclude_immutable+=(--exclude "$pattern")
done

# `aws s3 sync` compares size and modification time, and a fresh build gives
# every file a new time, so it would upload (and we would invalidate) the
# whole site each time. Files whose MD5 already equals the object's ETag
# (single-part SSE-S3 uploads) get an old time instead, so sync skips them
# and its output lists exactly what changed.
if ((DRY_RUN)); then
    run aws s3api list-objects-v2 --bucket "$BUCKET" --query "Contents[].[Key,ETag]" --output text
    echo "(dry run: files whose MD5 matches their object's ETag would be marked unchanged)"
elif [[ "${FULL_UPLOAD:-0}" != 1 ]] && ! { command -v md5sum && touch -c -d '@946684800' -- "$work"; } >/dev/null 2>&1; then
    echo "md5sum or GNU touch is missing (macOS?): uploading every file and invalidating /*"
elif [[ "${FULL_UPLOAD:-0}" != 1 ]]; then
    aws s3api list-objects-v2 --bucket "$BUCKET" --query "Contents[].[Key,ETag]" --output text >"$work/remote.tsv"
    (cd public && find . -type f -print0 | xargs -0 -r md5sum) |
        awk -v remote="$work/remote.tsv" '
            BEGIN {
                while ((getline line < remote) > 0) {
                    if (split(line, f, "\t") >= 2) { e = f[2]; gsub(/"/, "", e); etag[f[1]] = e }
                }
            }
            length($1) == 32 && substr($0, 33, 4) == "  ./" { path = substr($0, 37); if (etag[path] == $1) print path }
        ' >"$work/unchanged.txt"
    (cd public && xargs -r -d '\n' touch -c -d '@946684800' -- <"$work/unchanged.txt")
    echo "$(wc -l <"$work/unchanged.txt") files unchanged since the last upload"
fi

sync_log="$work/sync.log"
: >"$sync_log"
# Pass 1: new fingerprinted assets first, so no page ever links a file that
# is not there yet.
run aws s3 sync public/ "s3://$BUCKET/" --no-progress \
    "${include_immutable[@]}" --cache-control "$long_cache"
# Pass 2: everything else, deleting what the build no longer has.
if ((DRY_RUN)); then
    run aws s3 sync public/ "s3://$BUCKET/" --no-progress --delete \
        "${exclude_immutable[@]}" --cache-control "$short_cache"
else
    run aws s3 sync public/ "s3://$BUCKET/" --no-progress --delete \
        "${exclude_immutable[@]}" --cache-control "$short_cache" | tee "$sync_log"
fi
# Pass 3: only now remove fingerprinted files that no page links any more
# (pages cached for up to a minute may still have asked for them).
run aws s3 sync public/ "s3://$BUCKET/" --no-progress --delete \
    "${include_immutable[@]}" --cache-control "$long_cache"

# ---------------------------------------------------------------- 10. invalidate
step "invalidate" "The invalidation was refused: the new pages are uploaded and will show within a minute anyway (their cache lifetime is 60 s). Check the distribution $DISTRIBUTION in the CloudFront console."
# Only pass 2 can change what a URL returns (fingerprinted names never
# change content). The directory-index function rewrites /a/ to
# /a/index.html before the cache lookup, so the object's own path is the
# cached one; /a/ is added too for safety. Each path counts against
# CloudFront's 1,000 free invalidation paths a month while a wildcard counts
# as one, so past 50 paths (a new host changes the listings, feeds and
# sitemap) one "/*" is cheaper, at the price of re-fetching long-cached
# assets too.
paths=()
while IFS= read -r line; do
    key=""
    case "$line" in
        "upload: "*" to s3://$BUCKET/"*) key=${line##*" to s3://$BUCKET/"} ;;
        "delete: s3://$BUCKET/"*) key=${line#"delete: s3://$BUCKET/"} ;;
    esac
    [[ -n "$key" ]] || continue
    paths+=("/$key")
    if [[ "$key" == index.html || "$key" == */index.html ]]; then
        paths+=("/${key%index.html}")
    fi
done <"$sync_log"

if ((DRY_RUN)); then
    run aws cloudfront create-invalidation --distribution-id "$DISTRIBUTION" --paths "<changed paths, or /* past 50>"
elif ((${#paths[@]} == 0)); then
    echo "no page changed: nothing to invalidate"
elif ((${#paths[@]} > 50)); then
    echo "${#paths[@]} paths changed: invalidating /*"
    run aws cloudfront create-invalidation --distribution-id "$DISTRIBUTION" --paths "/*" --query Invalidation.Id --output text
else
    run aws cloudfront create-invalidation --distribution-id "$DISTRIBUTION" --paths "${paths[@]}" --query Invalidation.Id --output text
fi

trap - ERR
echo
if ((DRY_RUN)); then
    echo "deploy.sh: dry run complete: $TOTAL_STEPS steps printed, nothing run."
else
    echo "deploy.sh: deployed. The prospectus is at $SITE_URL"
fi
