//! The public reads (programme JSON and page, calendar feeds, schedule exports) are what gets hit
//! when a summit is announced and what thousands of calendar clients poll every few minutes. This
//! layer keeps each finished response (compressed as the client asked) in memory until the data
//! changes, and answers conditional requests (`ETag`, `Last-Modified`, `304 Not Modified`).
//!
//! Staleness: every committed write moves a generation on (`db::generations`; other processes'
//! writes reach it through the database), and an entry is served only while its generation is
//! the current one. Registrations move only the generation personal feeds check. An entry is stamped with the generation read
//! *before* its handler ran, so a write that lands during the read leaves it stale at once.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::CookieJar;
use moka::future::Cache;
use moka::ops::compute::Op;
use sha2::Digest;

use crate::error::AppError;
use crate::http::HttpState;

/// The largest response kept or hashed; larger ones are refused rather than truncated.
const MAX_BODY: usize = 16 * 1024 * 1024;

/// A 200 response as it went out, ready to go out again.
struct Stored {
    generation: u64,
    headers: HeaderMap,
    body: Bytes,
    etag: String,
    /// Since when this exact body has been served for this request.
    since: SystemTime,
}

/// The cache of finished public responses; `None` inside when switched off
/// (`CONVENE_READ_CACHE_MB=0`), in which case validators are still sent.
#[derive(Clone)]
pub struct PublicReads {
    cache: Cache<String, Arc<Stored>>,
    enabled: bool,
}

impl PublicReads {
    pub fn new(megabytes: u64) -> Self {
        let cache = Cache::builder()
            // Bounded by bytes held, whatever the mix of small and large responses.
            .weigher(|key: &String, stored: &Arc<Stored>| {
                u32::try_from(key.len() + stored.body.len() + 512).unwrap_or(u32::MAX)
            })
            .max_capacity(megabytes.max(1) * 1024 * 1024)
            // Entries of past generations are never hit again; this frees their memory.
            .time_to_idle(Duration::from_secs(600))
            .build();
        PublicReads {
            cache,
            enabled: megabytes > 0,
        }
    }
}

/// What a cached route's answers depend on and who may keep them; the router names it for each
/// route it wraps (`read_cache::layer`), so there is no second table of paths here.
#[derive(Clone, Copy)]
pub enum Kind {
    /// Shared by every reader: `Cache-Control: public`.
    Public,
    /// A personal agenda feed behind its secret URL.
    Personal,
    /// A page that also depends on the reader's remembered choices, kept in these cookies.
    Page { cookies: &'static [&'static str] },
}

/// What the response depends on besides the data: the URL, the encoding the client accepts,
/// and for a page the remembered choices.
fn key_of(request: &Request, kind: &Kind) -> String {
    let headers = request.headers();
    let accept_encoding = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mut key = format!("{}\n{accept_encoding}", request.uri());
    if let Kind::Page { cookies } = kind {
        let jar = CookieJar::from_headers(headers);
        for name in *cookies {
            key.push('\n');
            key.push_str(jar.get(name).map(|c| c.value()).unwrap_or(""));
        }
    }
    key
}

/// The cache as a layer on the routes it serves:
/// `.route_layer(from_fn_with_state((state.clone(), Kind::Public), read_cache::serve))`.
pub async fn serve(
    State((state, kind)): State<(HttpState, Kind)>,
    request: Request,
    next: Next,
) -> Response {
    if request.method() != Method::GET {
        return next.run(request).await;
    }
    let reads = state.public_reads.clone();
    let key = key_of(&request, &kind);
    let conditions = Conditions::of(request.headers());
    let generation = match kind {
        Kind::Personal => state.db.generations.for_personal_reads(),
        Kind::Public | Kind::Page { .. } => state.db.generations.for_public_reads(),
    };
    if !reads.enabled {
        // Every request renders; entries are kept only to carry Last-Modified over.
        let previous = reads.cache.get(&key).await;
        return match render(request, next, generation, previous.as_deref()).await {
            Ok(stored) => {
                let stored = Arc::new(stored);
                reads.cache.insert(key, stored.clone()).await;
                answer(&stored, &conditions, &kind)
            }
            Err(response) => response,
        };
    }
    if let Some(stored) = reads.cache.get(&key).await
        && stored.generation == generation
    {
        return answer(&stored, &conditions, &kind);
    }
    // Only one request per key renders; the others wait for its result here.
    let mut uncached: Option<Response> = None;
    let result = reads
        .cache
        .entry(key)
        .and_compute_with(|previous| async {
            let previous = previous.map(|entry| entry.into_value());
            if let Some(stored) = &previous
                && stored.generation == generation
            {
                return Op::Nop;
            }
            match render(request, next, generation, previous.as_deref()).await {
                Ok(stored) => Op::Put(Arc::new(stored)),
                Err(response) => {
                    uncached = Some(response);
                    Op::Nop
                }
            }
        })
        .await;
    if let Some(response) = uncached {
        return response;
    }
    match result.into_entry() {
        Some(entry) => answer(entry.value(), &conditions, &kind),
        None => AppError::Internal(anyhow::anyhow!("a cached read vanished")).into_response(),
    }
}

/// Runs the handler (and compression) for the full body; anything but a 200 goes back as it is.
async fn render(
    mut request: Request,
    next: Next,
    generation: u64,
    previous: Option<&Stored>,
) -> Result<Stored, Response> {
    // Conditions are answered from what is kept, so the handler must give the whole body.
    request.headers_mut().remove(header::IF_NONE_MATCH);
    request.headers_mut().remove(header::IF_MODIFIED_SINCE);
    let response = next.run(request).await;
    if response.status() != StatusCode::OK {
        return Err(response);
    }
    let (parts, body) = response.into_parts();
    let body = axum::body::to_bytes(body, MAX_BODY).await.map_err(|_| {
        AppError::Internal(anyhow::anyhow!(
            "a public read is larger than {MAX_BODY} bytes"
        ))
        .into_response()
    })?;
    // A digest of the bytes as sent (compressed or not), so the tag is a strong one.
    let etag = format!("\"{}\"", hex::encode(&sha2::Sha256::digest(&body)[..12]));
    let since = match previous {
        Some(previous) if previous.etag == etag => previous.since,
        _ => SystemTime::now(),
    };
    Ok(Stored {
        generation,
        headers: parts.headers,
        body,
        etag,
        since,
    })
}

/// The request's `If-None-Match` / `If-Modified-Since`.
struct Conditions {
    if_none_match: Option<String>,
    if_modified_since: Option<SystemTime>,
}

impl Conditions {
    fn of(headers: &HeaderMap) -> Self {
        Conditions {
            if_none_match: headers
                .get(header::IF_NONE_MATCH)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            if_modified_since: headers
                .get(header::IF_MODIFIED_SINCE)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| httpdate::parse_http_date(v).ok()),
        }
    }

    /// RFC 9110, 13.2.2: If-None-Match wins over If-Modified-Since; tags compare weakly.
    fn unchanged(&self, stored: &Stored) -> bool {
        match (&self.if_none_match, self.if_modified_since) {
            (Some(tags), _) => tags
                .split(',')
                .map(str::trim)
                .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == stored.etag),
            // HTTP dates have whole seconds; the stored instant has more.
            (None, Some(since)) => httpdate::HttpDate::from(stored.since) <= since.into(),
            (None, None) => false,
        }
    }
}

fn answer(stored: &Stored, conditions: &Conditions, kind: &Kind) -> Response {
    if conditions.unchanged(stored) {
        // RFC 9110, 15.4.5: only the validators and caching headers, no body metadata.
        let mut response = Response::new(Body::empty());
        *response.status_mut() = StatusCode::NOT_MODIFIED;
        if let Some(vary) = stored.headers.get(header::VARY) {
            response.headers_mut().insert(header::VARY, vary.clone());
        }
        validators(response.headers_mut(), stored, kind);
        return response;
    }
    let mut response = Response::new(Body::from(stored.body.clone()));
    *response.headers_mut() = stored.headers.clone();
    validators(response.headers_mut(), stored, kind);
    response
}

fn validators(headers: &mut HeaderMap, stored: &Stored, kind: &Kind) {
    if let Ok(etag) = HeaderValue::from_str(&stored.etag) {
        headers.insert(header::ETAG, etag);
    }
    if let Ok(modified) = HeaderValue::from_str(&httpdate::fmt_http_date(stored.since)) {
        headers.insert(header::LAST_MODIFIED, modified);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(match kind {
            Kind::Public => "public, max-age=60, must-revalidate",
            Kind::Personal => "private, max-age=60, must-revalidate",
            // The page depends on the reader's remembered choices (cookies), which a browser
            // cache does not key on: it must ask every time, and a 304 keeps that cheap.
            Kind::Page { .. } => "private, no-cache",
        }),
    );
    if let Kind::Page { .. } = kind {
        headers.insert(
            header::VARY,
            HeaderValue::from_static("Cookie, Accept-Encoding"),
        );
    }
}

/// Compression for the cached routes: successful answers only, so that an error passes on
/// uncompressed to the layers that may rewrite it (browser routes answer errors as pages).
#[derive(Clone, Copy, Default)]
pub struct SuccessOnly;

impl tower_http::compression::Predicate for SuccessOnly {
    fn should_compress<B>(&self, response: &axum::http::Response<B>) -> bool
    where
        B: axum::body::HttpBody,
    {
        response.status().is_success()
            && tower_http::compression::DefaultPredicate::new().should_compress(response)
    }
}

/// The compression layer the cached routes use, inside the cache.
pub fn compression() -> tower_http::compression::CompressionLayer<SuccessOnly> {
    tower_http::compression::CompressionLayer::new().compress_when(SuccessOnly)
}
