//! HTTP plumbing that the JSON API (`api/`) and the pages (`web/`) share: request extractors
//! whose failures are problem+json, who is calling, the cache of public reads (a layer on the
//! routes it serves) and `HttpState`, the application state plus what only HTTP needs.

pub mod auth;
pub mod extract;
pub mod read_cache;
pub mod state;

pub use state::HttpState;
