//! `bookings feedback-summary`: the published aggregate of feedback, per host
//! and per focus area. Groups with fewer than `MIN_RESPONSES` responses are
//! left out so no single school's answers can be picked out.

use std::collections::BTreeMap;

use crate::model::Feedback;
use crate::summary::{FeedbackSummary, FocusSummary, HostSummary, MIN_RESPONSES};

/// Satisfied means 4 or 5 on the 5-point scale.
const SATISFIED_FROM: u8 = 4;

/// `part` of `whole` as a whole percent, rounded half up; 0 of 0 is 0.
fn percent(part: u32, whole: u32) -> u32 {
    if whole == 0 {
        return 0;
    }
    ((u64::from(part) * 200 + u64::from(whole)) / (u64::from(whole) * 2)) as u32
}

#[derive(Default)]
struct Tally {
    responses: u32,
    satisfied: u32,
    recommend: u32,
}

impl Tally {
    fn add(&mut self, f: &Feedback) {
        self.responses += 1;
        self.satisfied += u32::from(f.satisfaction >= SATISFIED_FROM);
        self.recommend += u32::from(f.recommend);
    }
}

/// Hosts ordered by URN, focus areas by slug, so the file is stable and
/// diffs cleanly when republished.
pub fn feedback_summary(feedback: &[Feedback]) -> FeedbackSummary {
    let mut hosts: BTreeMap<&str, (Tally, BTreeMap<&str, Tally>)> = BTreeMap::new();
    for f in feedback {
        let (host, by_focus) = hosts.entry(f.host_urn.as_str()).or_default();
        host.add(f);
        // A visit listing a focus area twice still counts one response.
        let mut focus: Vec<&str> = f.focus.iter().map(String::as_str).collect();
        focus.sort_unstable();
        focus.dedup();
        for area in focus {
            by_focus.entry(area).or_default().add(f);
        }
    }
    let hosts = hosts
        .into_iter()
        .filter(|(_, (t, _))| t.responses >= MIN_RESPONSES)
        .map(|(urn, (t, by_focus))| HostSummary {
            host_urn: urn.to_owned(),
            responses: t.responses,
            satisfied_pct: percent(t.satisfied, t.responses),
            recommend_pct: percent(t.recommend, t.responses),
            by_focus: by_focus
                .into_iter()
                .filter(|(_, t)| t.responses >= MIN_RESPONSES)
                .map(|(area, t)| FocusSummary {
                    focus: area.to_owned(),
                    responses: t.responses,
                    satisfied_pct: percent(t.satisfied, t.responses),
                })
                .collect(),
        })
        .collect();
    FeedbackSummary {
        min_responses: MIN_RESPONSES,
        hosts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::CoveredFocus;
    use chrono::{NaiveDate, TimeZone, Utc};

    fn fb(host: &str, focus: &[&str], satisfaction: u8, recommend: bool) -> Feedback {
        Feedback {
            reference: "R".into(),
            visit_id: "v".into(),
            host_urn: host.into(),
            school_urn: "s".into(),
            visit_date: NaiveDate::from_ymd_opt(2027, 10, 14).unwrap(),
            focus: focus.iter().map(|s| s.to_string()).collect(),
            satisfaction,
            covered_focus: CoveredFocus::Yes,
            will_change: String::new(),
            recommend,
            quote_consent: false,
            comments: None,
            created_at: Utc.with_ymd_and_hms(2027, 10, 15, 0, 0, 0).unwrap(),
            expires_at: 0,
        }
    }

    #[test]
    fn percentages_round_half_up() {
        assert_eq!(percent(2, 3), 67);
        assert_eq!(percent(1, 3), 33);
        assert_eq!(percent(1, 8), 13); // 12.5
        assert_eq!(percent(0, 0), 0);
        assert_eq!(percent(5, 5), 100);
    }

    #[test]
    fn groups_below_the_minimum_are_left_out() {
        let mut all = Vec::new();
        // Host A: 6 responses, 4 satisfied, 3 recommend; reading on all 6,
        // maths on only 2 (below the minimum).
        for i in 0..6 {
            let focus: &[&str] = if i < 2 {
                &["reading", "maths"]
            } else {
                &["reading"]
            };
            all.push(fb("A", focus, if i < 4 { 5 } else { 3 }, i < 3));
        }
        // Host B: 4 responses only.
        for _ in 0..4 {
            all.push(fb("B", &["reading"], 5, true));
        }
        let s = feedback_summary(&all);
        assert_eq!(s.min_responses, MIN_RESPONSES);
        assert_eq!(s.hosts.len(), 1);
        let a = &s.hosts[0];
        assert_eq!((a.host_urn.as_str(), a.responses), ("A", 6));
        assert_eq!((a.satisfied_pct, a.recommend_pct), (67, 50));
        assert_eq!(
            a.by_focus,
            [FocusSummary {
                focus: "reading".into(),
                responses: 6,
                satisfied_pct: 67
            }]
        );
    }

    #[test]
    fn no_feedback_gives_an_empty_summary() {
        let s = feedback_summary(&[]);
        assert!(s.hosts.is_empty());
        assert_eq!(s.min_responses, MIN_RESPONSES);
    }
}
