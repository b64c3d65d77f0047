//! HTTP plumbing that the JSON API (`api/`) and the pages (`web/`) share: request extractors
//! whose failures are problem+json, and who is calling.

pub mod auth;
pub mod extract;
pub mod read_cache;
pub mod state;

pub use state::HttpState;
