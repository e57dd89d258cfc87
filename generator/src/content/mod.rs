//! Reading and checking the editors' content.

pub mod model;

pub use model::*;
