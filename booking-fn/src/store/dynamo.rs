//! The DynamoDB store (under construction).
