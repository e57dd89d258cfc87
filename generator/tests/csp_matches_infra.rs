//! The preview must send the same Content-Security-Policy as production, so
//! that a page which breaks the policy fails in the browser tests rather than
//! after deployment. Production's policy lives in the SAM template.

use prospectus::serve::CONTENT_SECURITY_POLICY;

#[test]
fn preview_policy_is_the_template_policy() {
    let template = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../infra/template.yaml"
    ))
    .expect("infra/template.yaml is readable");
    let in_template: Vec<&str> = template
        .lines()
        .filter_map(|line| line.trim().strip_prefix("ContentSecurityPolicy:"))
        .map(str::trim)
        // The header's own key holds a mapping (an empty value); the policy
        // string sits one level below it, in double quotes.
        .filter(|value| !value.is_empty())
        .map(|value| {
            value
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .unwrap_or(value)
        })
        .collect();
    assert_eq!(
        in_template,
        vec![CONTENT_SECURITY_POLICY],
        "infra/template.yaml must hold exactly one ContentSecurityPolicy, equal to the preview's"
    );
}
