//! The Inside Knowledge booking API: bookings, cancellations, availability and
//! feedback, over DynamoDB in AWS or an embedded SQLite store locally.

pub mod admin;
pub mod api;
pub mod clock;
pub mod config;
pub mod ical;
pub mod model;
pub mod slots;
pub mod store;
pub mod summary;
pub mod tokens;
