"""What infra/template.yaml must keep saying, checked without AWS.

cfn-lint and `sam validate --lint` check that the template is valid; this
checks that it is the template we mean: the bookings table as the store
expects it, a private bucket behind origin access control, the /api/*
behaviour that plain HTML forms need, the security headers (CSP identical to
the local preview's), least-privilege IAM and the alarms.

Prints one `ok - ...` or `FAIL - ...` line per check; exits 1 if any failed.
Usage: python infra/tests/template_policy.py [TEMPLATE]
"""

import pathlib
import re
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
TEMPLATE = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "infra" / "template.yaml"

CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
CSP = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

# What each SDK call of the DynamoDB store needs in IAM. A transaction is
# authorised per item action, so transact_write_items maps to the item actions.
SDK_TO_IAM = {
    "get_item": {"dynamodb:GetItem"},
    "put_item": {"dynamodb:PutItem"},
    "update_item": {"dynamodb:UpdateItem"},
    "delete_item": {"dynamodb:DeleteItem"},
    "query": {"dynamodb:Query"},
    "scan": {"dynamodb:Scan"},
    "batch_write_item": {"dynamodb:BatchWriteItem", "dynamodb:PutItem", "dynamodb:DeleteItem"},
    "batch_get_item": {"dynamodb:BatchGetItem", "dynamodb:GetItem"},
    "transact_get_items": {"dynamodb:GetItem"},
    "transact_write_items": {
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:ConditionCheckItem",
    },
}

results = []


def check(name, condition, detail=""):
    results.append(bool(condition))
    if condition:
        print(f"ok - {name}")
    else:
        print(f"FAIL - {name}" + (f": {detail}" if detail else ""))


def main():
    text = TEMPLATE.read_text()
    try:
        # safe_load: no custom tags, so any YAML parser (the store's table
        # test included) reads the file.
        tpl = yaml.safe_load(text)
    except yaml.YAMLError as e:
        check("template parses as plain YAML (long-form intrinsics, no !Ref tags)", False, str(e))
        return
    check("template parses as plain YAML (long-form intrinsics, no !Ref tags)", True)

    res = tpl.get("Resources", {})
    props = lambda name: res.get(name, {}).get("Properties", {})  # noqa: E731

    # -------------------------------------------------------------- table
    table = res.get("BookingsTable", {})
    tp = table.get("Properties", {})
    check(
        "BookingsTable: DeletionPolicy and UpdateReplacePolicy Retain",
        table.get("DeletionPolicy") == "Retain" and table.get("UpdateReplacePolicy") == "Retain",
    )
    check(
        "BookingsTable: on-demand, PK/SK keys",
        tp.get("BillingMode") == "PAY_PER_REQUEST"
        and tp.get("KeySchema")
        == [{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
    )
    gsis = tp.get("GlobalSecondaryIndexes", [])
    check(
        "BookingsTable: GSI1 on GSI1PK/GSI1SK projecting ALL",
        len(gsis) == 1
        and gsis[0].get("IndexName") == "GSI1"
        and gsis[0].get("KeySchema")
        == [{"AttributeName": "GSI1PK", "KeyType": "HASH"}, {"AttributeName": "GSI1SK", "KeyType": "RANGE"}]
        and gsis[0].get("Projection") == {"ProjectionType": "ALL"},
    )
    check(
        "BookingsTable: TTL on expires_at, point-in-time recovery",
        tp.get("TimeToLiveSpecification") == {"AttributeName": "expires_at", "Enabled": True}
        and tp.get("PointInTimeRecoverySpecification") == {"PointInTimeRecoveryEnabled": True},
    )

    # ------------------------------------------------------------- bucket
    bucket = props("SiteBucket")
    pab = bucket.get("PublicAccessBlockConfiguration", {})
    check(
        "SiteBucket: every public access block on",
        all(pab.get(k) is True for k in ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")),
    )
    check(
        "SiteBucket: BucketOwnerEnforced, encrypted",
        bucket.get("OwnershipControls") == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
        and "BucketEncryption" in bucket,
    )
    statements = props("SiteBucketPolicy").get("PolicyDocument", {}).get("Statement", [])
    allows = [s for s in statements if s.get("Effect") == "Allow"]
    denies = [s for s in statements if s.get("Effect") == "Deny"]
    check(
        "SiteBucketPolicy: only CloudFront (this distribution) may read, and only GetObject",
        len(allows) == 1
        and allows[0].get("Principal") == {"Service": "cloudfront.amazonaws.com"}
        and allows[0].get("Action") == "s3:GetObject"
        and "AWS:SourceArn" in allows[0].get("Condition", {}).get("StringEquals", {}),
    )
    check(
        "SiteBucketPolicy: requests without TLS denied",
        any(d.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport") in ("false", False) for d in denies),
    )

    # ------------------------------------------------------- distribution
    dist = props("SiteDistribution").get("DistributionConfig", {})
    origins = {o.get("Id"): o for o in dist.get("Origins", [])}
    site = origins.get("site", {})
    check(
        "CloudFront: S3 origin through origin access control, no legacy OAI",
        "OriginAccessControlId" in site and site.get("S3OriginConfig", {}).get("OriginAccessIdentity") == ""
        and res.get("SiteOriginAccessControl", {}).get("Type") == "AWS::CloudFront::OriginAccessControl"
        and "AWS::CloudFront::CloudFrontOriginAccessIdentity" not in {r.get("Type") for r in res.values()},
    )
    default = dist.get("DefaultCacheBehavior", {})
    check(
        "CloudFront: default root object, directory-index function on viewer requests",
        dist.get("DefaultRootObject") == "index.html"
        and any(f.get("EventType") == "viewer-request" for f in default.get("FunctionAssociations", []))
        and default.get("CachePolicyId") == CACHING_OPTIMIZED,
    )
    code = props("DirectoryIndexFunction").get("FunctionCode", "")
    check(
        "CloudFront function: /path/ -> /path/index.html",
        "index.html" in code and props("DirectoryIndexFunction").get("FunctionConfig", {}).get("Runtime") == "cloudfront-js-2.0",
    )
    errors = dist.get("CustomErrorResponses", [])
    check(
        "CloudFront: a missing page (S3's 403) answers /404.html with status 404",
        [(e.get("ErrorCode"), e.get("ResponseCode"), e.get("ResponsePagePath")) for e in errors]
        == [(403, 404, "/404.html")],
        str(errors),
    )
    # Custom error responses cover /api/* too: the API's 404 must not be
    # replaced (so no 404 mapping above), and a 403 from the API would be.
    api_src = ROOT / "booking-fn" / "src" / "api"
    if api_src.is_dir():
        forbidden = [
            str(p.relative_to(ROOT))
            for p in sorted(api_src.rglob("*.rs"))
            if re.search(r"StatusCode::FORBIDDEN|from_u16\(403\)", p.read_text())
        ]
        check("booking API never answers 403 (CloudFront would replace it with the 404 page)", not forbidden, str(forbidden))
    api = [b for b in dist.get("CacheBehaviors", []) if b.get("PathPattern") == "/api/*"]
    b = api[0] if api else {}
    check(
        "CloudFront: /api/* goes to the HTTP API, uncached, every method, all viewer values but Host",
        b.get("TargetOriginId") == "api"
        and set(b.get("AllowedMethods", [])) == {"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"}
        and b.get("CachePolicyId") == CACHING_DISABLED
        and b.get("OriginRequestPolicyId") == ALL_VIEWER_EXCEPT_HOST
        and b.get("ViewerProtocolPolicy") == "https-only",
        str(b),
    )
    check(
        "CloudFront: API origin is the HTTP API over HTTPS",
        "BookingApi" in str(origins.get("api", {}).get("DomainName"))
        and origins.get("api", {}).get("CustomOriginConfig", {}).get("OriginProtocolPolicy") == "https-only",
    )
    check(
        "CloudFront: custom domain and certificate only when given",
        "Fn::If" in dist.get("Aliases", {}) and "Fn::If" in dist.get("ViewerCertificate", {}),
    )

    # ------------------------------------------------------------ headers
    policy = props("SecurityHeadersPolicy").get("ResponseHeadersPolicyConfig", {})
    sec = policy.get("SecurityHeadersConfig", {})
    csp = sec.get("ContentSecurityPolicy", {}).get("ContentSecurityPolicy")
    check("headers: CSP is the agreed policy", csp == CSP, repr(csp))
    csp_line = [line for line in text.splitlines() if "ContentSecurityPolicy: " in line and "default-src" in line]
    check("headers: CSP written on one line as a plain string", len(csp_line) == 1)
    headers_rs = ROOT / "generator" / "src" / "serve" / "headers.rs"
    if headers_rs.exists():
        m = re.search(r'CONTENT_SECURITY_POLICY: &str = "([^"]*)"', headers_rs.read_text())
        check(
            "headers: CSP identical to the local preview's (generator/src/serve/headers.rs)",
            m is not None and m.group(1) == csp,
            m.group(1) if m else "constant not found",
        )
    hsts = sec.get("StrictTransportSecurity", {})
    check(
        "headers: HSTS two years, includeSubDomains, preload",
        hsts.get("AccessControlMaxAgeSec") == 63072000 and hsts.get("IncludeSubdomains") is True and hsts.get("Preload") is True,
    )
    check(
        "headers: nosniff, frame DENY, strict-origin-when-cross-origin, Permissions-Policy",
        "ContentTypeOptions" in sec
        and sec.get("FrameOptions", {}).get("FrameOption") == "DENY"
        and sec.get("ReferrerPolicy", {}).get("ReferrerPolicy") == "strict-origin-when-cross-origin"
        and any(h.get("Header") == "Permissions-Policy" for h in policy.get("CustomHeadersConfig", {}).get("Items", [])),
    )
    check(
        "headers: the policy applies to the site and to /api/*",
        default.get("ResponseHeadersPolicyId") == {"Ref": "SecurityHeadersPolicy"}
        and b.get("ResponseHeadersPolicyId") == {"Ref": "SecurityHeadersPolicy"},
    )

    # ----------------------------------------------------------- function
    fn = res.get("BookingFunction", {})
    fp = fn.get("Properties", {})
    check(
        "function: provided.al2023, bootstrap, x86_64, built by infra/function/Makefile",
        fp.get("Runtime") == "provided.al2023"
        and fp.get("Handler") == "bootstrap"
        and fp.get("Architectures") == ["x86_64"]
        and fn.get("Metadata", {}).get("BuildMethod") == "makefile"
        and str(fp.get("CodeUri", "")).rstrip("/") == "function"
        and (TEMPLATE.parent / "function" / "Makefile").is_file(),
    )
    command = lambda_build_command()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    packaging = readme.split("## Packaging the Lambda", 1)[-1].split("\n## ", 1)[0]
    check(
        "function: the Makefile builds with the lambda-size profile, without the local server, "
        "and the README and bench/lambda-size.sh use that same build",
        command is not None
        and "--profile lambda-size" in command
        and "--no-default-features --features lambda,dynamodb" in command
        and "--release" not in command
        and command in packaging
        and "infra/function/Makefile build-BookingFunction"
        in (ROOT / "bench" / "lambda-size.sh").read_text(encoding="utf-8"),
    )
    check("function: 256 MB, 10 s", fp.get("MemorySize") == 256 and fp.get("Timeout") == 10)
    check(
        "function: reserved concurrency from a parameter (default 10)",
        "ReservedConcurrency" in str(fp.get("ReservedConcurrentExecutions"))
        and tpl.get("Parameters", {}).get("ReservedConcurrency", {}).get("Default") == 10,
    )
    env = fp.get("Environment", {}).get("Variables", {})
    check(
        "function: BOOKINGS_TABLE, RETENTION_DAYS, SITE_TITLE, SITE_ORIGIN",
        {"BOOKINGS_TABLE", "RETENTION_DAYS", "SITE_TITLE", "SITE_ORIGIN"} <= set(env),
    )
    events = list(fp.get("Events", {}).values())
    check(
        "function: reached as ANY /api/{proxy+} on the HTTP API",
        any(
            e.get("Type") == "HttpApi"
            and e.get("Properties", {}).get("Path") == "/api/{proxy+}"
            and e.get("Properties", {}).get("Method") == "ANY"
            for e in events
        ),
    )
    routes = props("BookingApi").get("DefaultRouteSettings", {})
    check(
        "API: route throttling (rate and burst from parameters)",
        "ThrottlingBurstLimit" in routes and "ThrottlingRateLimit" in routes,
    )

    # ---------------------------------------------------------------- IAM
    check("function: runs as the explicit role", fp.get("Role") == {"Fn::GetAtt": ["BookingFunctionRole", "Arn"]} and "Policies" not in fp)
    role = props("BookingFunctionRole")
    check("role: no managed policies", not role.get("ManagedPolicyArns"))
    granted = {}
    wildcards = []
    for policy_doc in role.get("Policies", []):
        for st in policy_doc.get("PolicyDocument", {}).get("Statement", []):
            actions = st.get("Action", [])
            actions = [actions] if isinstance(actions, str) else actions
            resources = st.get("Resource", [])
            resources = resources if isinstance(resources, list) else [resources]
            for a in actions:
                if "*" in a:
                    wildcards.append(a)
                granted.setdefault(a, []).extend(resources)
            if any(r == "*" for r in resources):
                wildcards.append(f"resource * for {actions}")
    check("role: no wildcard actions or resources", not wildcards, str(wildcards))
    dynamo = {a for a in granted if a.startswith("dynamodb:")}
    # The booking API's request path (booking-fn/src/store/dynamo.rs): reads
    # by key, writes in the booking/cancel transactions and for feedback, and
    # a host's dates on GSI1. Scans and deletes belong to the admin CLI.
    check(
        "role: exactly GetItem, PutItem, UpdateItem on the table and Query on GSI1",
        dynamo == {"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query"}
        and granted.get("dynamodb:Query") == [{"Fn::Sub": "${BookingsTable.Arn}/index/GSI1"}],
        str({a: granted[a] for a in sorted(dynamo)}),
    )
    allowed_resources = [{"Fn::GetAtt": ["BookingsTable", "Arn"]}, {"Fn::Sub": "${BookingsTable.Arn}/index/GSI1"}]
    check(
        "role: DynamoDB actions only on the table and its GSI1",
        all(r in allowed_resources for a in dynamo for r in granted[a]),
        str({a: granted[a] for a in dynamo}),
    )
    check(
        "role: logs only to the function's own log group",
        all(r == {"Fn::GetAtt": ["BookingFunctionLogGroup", "Arn"]} for a in granted if a.startswith("logs:") for r in granted[a]),
    )
    store = sorted((ROOT / "booking-fn" / "src" / "store").glob("dynamo*.rs")) + sorted(
        (ROOT / "booking-fn" / "src" / "store").glob("dynamo*/**/*.rs")
    )
    calls = set()
    for path in store:
        calls |= set(re.findall(r"\.(" + "|".join(SDK_TO_IAM) + r")\(\)", path.read_text()))
    if calls:
        needed = set().union(*(SDK_TO_IAM[c] for c in calls))
        check(
            "role: grants no DynamoDB action the store never calls",
            dynamo <= needed,
            f"granted {sorted(dynamo)}, store calls {sorted(calls)} -> {sorted(needed)}",
        )

    # ------------------------------------------------------------- alarms
    alarms = [r.get("Properties", {}) for r in res.values() if r.get("Type") == "AWS::CloudWatch::Alarm"]
    metric_names = set()
    for a in alarms:
        if a.get("MetricName"):
            metric_names.add((a.get("Namespace"), a["MetricName"]))
        for m in a.get("Metrics", []):
            metric = m.get("MetricStat", {}).get("Metric", {})
            if metric:
                metric_names.add((metric.get("Namespace"), metric.get("MetricName")))
    for ns, name in [
        ("AWS/Lambda", "Errors"),
        ("AWS/Lambda", "Throttles"),
        ("AWS/ApiGateway", "5xx"),
        ("AWS/DynamoDB", "ThrottledRequests"),
        ("AWS/DynamoDB", "SystemErrors"),
    ]:
        check(f"alarm on {ns} {name}", (ns, name) in metric_names)
    check(
        "alarms notify the SNS topic; e-mail subscription optional",
        all(a.get("AlarmActions") == [{"Ref": "AlarmTopic"}] for a in alarms)
        and res.get("AlarmEmailSubscription", {}).get("Condition") == "HasAlarmEmail",
    )

    # ---------------------------------------------- parameters and outputs
    params = tpl.get("Parameters", {})
    check(
        "parameters: DomainName, CertificateArn (us-east-1), RetentionDays, SiteTitle, AlarmEmail, ApiRateLimit, ApiBurstLimit",
        {"DomainName", "CertificateArn", "RetentionDays", "SiteTitle", "AlarmEmail", "ApiRateLimit", "ApiBurstLimit"} <= set(params)
        and "us-east-1" in params.get("CertificateArn", {}).get("AllowedPattern", ""),
    )
    check(
        "outputs: SiteUrl, BucketName, DistributionId, TableName, ApiUrl",
        {"SiteUrl", "BucketName", "DistributionId", "TableName", "ApiUrl"} <= set(tpl.get("Outputs", {})),
    )


def lambda_build_command():
    """The `cargo lambda build ...` line of the Makefile's build-BookingFunction
    recipe, without the flags that only say where the bootstrap goes."""
    makefile = TEMPLATE.parent / "function" / "Makefile"
    if not makefile.is_file():
        return None
    text = makefile.read_text(encoding="utf-8").replace("\\\n", " ")
    recipe = text.split("build-BookingFunction:", 1)[-1]
    match = re.search(r"(cargo lambda build [^\n]*?)\s+--lambda-dir ", recipe)
    return re.sub(r"\s+", " ", match.group(1)) if match else None


main()
failed = results.count(False)
sys.exit(1 if failed else 0)
