//! Every DynamoDB expression the store sends, as a named constant. moto
//! answers a malformed expression with HTTP 500 rather than a validation
//! error, so expressions are never assembled at run time: each one here is
//! exercised by the conformance suite.
//!
//! Many of our attribute names are DynamoDB reserved words (`status`,
//! `capacity`, `reference`, `date`, ...), so expressions name every
//! non-key attribute through a `#placeholder`. DynamoDB refuses unused
//! placeholders, so each operation has its own exact list.

/// Placeholder -> attribute name pairs for one operation.
pub type Names = &'static [(&'static str, &'static str)];

/// Take `:n` places, only from an existing, not withdrawn date with enough left.
pub const TAKE_PLACES: &str = "SET #remaining = #remaining - :n";
pub const TAKE_PLACES_IF: &str =
    "attribute_exists(PK) AND #remaining >= :n AND #withdrawn = :false";
pub const TAKE_PLACES_NAMES: Names = &[("#remaining", "remaining"), ("#withdrawn", "withdrawn")];

/// A school's booking slot is free, or holds only a cancelled booking.
pub const BOOKING_SLOT_FREE: &str = "attribute_not_exists(PK) OR #status = :cancelled";
pub const BOOKING_SLOT_FREE_NAMES: Names = &[("#status", "status")];

/// An item that must not exist yet (reference items, feedback, new dates).
pub const NEW_ITEM: &str = "attribute_not_exists(PK)";

/// An item that must exist (giving places back, withdrawing a date).
pub const EXISTING_ITEM: &str = "attribute_exists(PK)";

/// Cancel exactly this confirmed booking (not a replacement by the school).
pub const CANCEL: &str = "SET #status = :cancelled, #cancelled_at = :now";
pub const CANCEL_IF: &str = "#reference = :ref AND #status = :confirmed";
pub const CANCEL_NAMES: Names = &[
    ("#status", "status"),
    ("#cancelled_at", "cancelled_at"),
    ("#reference", "reference"),
];

/// Give `:n` places back to the date.
pub const GIVE_BACK_PLACES: &str = "SET #remaining = #remaining + :n";
pub const GIVE_BACK_PLACES_NAMES: Names = &[("#remaining", "remaining")];

/// Overwrite a visit date only if nobody booked or cancelled since we read it.
pub const VISIT_UNCHANGED: &str = "#capacity = :capacity AND #remaining = :remaining";
pub const VISIT_UNCHANGED_NAMES: Names = &[("#capacity", "capacity"), ("#remaining", "remaining")];

pub const WITHDRAW: &str = "SET #withdrawn = :true";
pub const WITHDRAW_NAMES: Names = &[("#withdrawn", "withdrawn")];

/// Blank the personal data of exactly this booking.
pub const ERASE: &str =
    "SET #contact_name = :empty, #contact_role = :empty, #email = :empty REMOVE #needs";
pub const ERASE_IF: &str = "#reference = :ref";
pub const ERASE_NAMES: Names = &[
    ("#contact_name", "contact_name"),
    ("#contact_role", "contact_role"),
    ("#email", "email"),
    ("#needs", "needs"),
    ("#reference", "reference"),
];

/// A host's visit dates on GSI1 (key attributes need no placeholder).
pub const HOST_DATES: &str = "GSI1PK = :pk AND begins_with(GSI1SK, :prefix)";

/// Scan filter for admin listings.
pub const SK_PREFIX: &str = "begins_with(SK, :prefix)";

/// The placeholder map DynamoDB expects.
pub fn names(names: Names) -> std::collections::HashMap<String, String> {
    names
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}
