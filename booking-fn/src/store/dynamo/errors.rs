//! Turning SDK failures into `StoreError`: anything that may succeed on a
//! retry (throttling, timeouts, an unreachable endpoint, a 5xx) is
//! `Unavailable`, so the API answers 503 with Retry-After.

use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};

use crate::store::StoreError;

/// Error codes DynamoDB uses for "try again later".
const RETRYABLE_CODES: &[&str] = &[
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "InternalServerError",
    "ServiceUnavailable",
    "LimitExceededException",
    "TransactionInProgressException",
];

pub fn sdk_err<E, R>(err: SdkError<E, R>) -> StoreError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug,
{
    let text = chain(&err);
    match &err {
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) | SdkError::ResponseError(_) => {
            StoreError::Unavailable(text)
        }
        SdkError::ServiceError(se) => {
            let code = se.err().code().unwrap_or_default();
            if RETRYABLE_CODES.contains(&code) || code.is_empty() {
                // No code at all means the server did not answer in the
                // DynamoDB protocol (a 5xx page from a proxy, say).
                StoreError::Unavailable(text)
            } else {
                StoreError::Other(text)
            }
        }
        _ => StoreError::Other(text),
    }
}

/// A builder missing a required field: a bug in this module, not bad input.
pub fn build_err(err: aws_sdk_dynamodb::error::BuildError) -> StoreError {
    StoreError::Other(format!("could not build a DynamoDB request: {err}"))
}

/// The error and its causes on one line, e.g. "dispatch failure: io error:
/// ... Connection refused", skipping causes already part of the text.
fn chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut cause = err.source();
    while let Some(c) = cause {
        let part = c.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        cause = c.source();
    }
    text
}
