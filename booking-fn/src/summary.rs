//! The published feedback summary (`content/data/feedback.json`): written by
//! `bookings feedback-summary`, read by the generator. Only aggregates above a
//! minimum number of responses appear, so no single visitor can be picked out.

use serde::{Deserialize, Serialize};

/// Fewer responses than this are never published.
pub const MIN_RESPONSES: u32 = 5;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct FeedbackSummary {
    pub min_responses: u32,
    pub hosts: Vec<HostSummary>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HostSummary {
    pub host_urn: String,
    pub responses: u32,
    /// Share of responses with satisfaction 4 or 5, rounded to a whole percent.
    pub satisfied_pct: u32,
    /// Share who would recommend the visit, rounded to a whole percent.
    pub recommend_pct: u32,
    pub by_focus: Vec<FocusSummary>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FocusSummary {
    pub focus: String,
    pub responses: u32,
    pub satisfied_pct: u32,
}
