//! The blocking registry client: URLs, conditional requests, retries and the cache.

use std::path::PathBuf;
use std::time::Duration;

use reqwest::blocking::Client;
use reqwest::header::{
    HeaderMap, ACCEPT, ACCEPT_LANGUAGE, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED,
    USER_AGENT,
};

use crate::cache::{now_rfc3339, sha256_hex, Cache, CacheEntry};
use crate::RegistryError;

/// ILOSTAT's SDMX REST service (SDMX-REST 1.x paths, SDMX-ML 2.1 structures).
pub const DEFAULT_BASE_URL: &str = "https://sdmx.ilo.org/rest";

/// The `Accept` header sent with every structure query.
pub const STRUCTURE_ACCEPT: &str = "application/vnd.sdmx.structure+xml;version=2.1";

/// The `Accept-Language` header sent with every query (ILO's service is said
/// to fail with `*`).
pub const ACCEPT_LANGUAGE_EN: &str = "en";

/// How many bytes of an error body are kept in error messages.
const EXCERPT_CHARS: usize = 300;

/// Settings of a [`RegistryClient`]. Build with [`ClientOptions::new`] and
/// change fields with struct-update syntax:
///
/// ```
/// # use sdmx_registry::ClientOptions;
/// let options = ClientOptions { offline: true, ..ClientOptions::new("/tmp/sdmx-cache") };
/// assert_eq!(options.base_url, "https://sdmx.ilo.org/rest");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientOptions {
    /// Base URL of the REST service, without a trailing slash (one is
    /// tolerated). Default [`DEFAULT_BASE_URL`].
    pub base_url: String,
    /// Time allowed for one whole request, connection to last body byte.
    /// Default 30 s.
    pub timeout: Duration,
    /// Retries after the first attempt, on HTTP 5xx, timeouts and connection
    /// errors (never on 4xx). Default 3, so at most 4 requests.
    pub max_retries: u32,
    /// Wait before the first retry; it doubles for each further retry.
    /// Default 500 ms.
    pub initial_backoff: Duration,
    /// Directory of the response cache (created on first write).
    pub cache_dir: PathBuf,
    /// Serve only from the cache; never touch the network.
    pub offline: bool,
}

impl ClientOptions {
    /// The defaults, with the cache in `cache_dir`.
    pub fn new(cache_dir: impl Into<PathBuf>) -> Self {
        ClientOptions {
            base_url: DEFAULT_BASE_URL.to_owned(),
            timeout: Duration::from_secs(30),
            max_retries: 3,
            initial_backoff: Duration::from_millis(500),
            cache_dir: cache_dir.into(),
            offline: false,
        }
    }
}

/// A structure message obtained from the registry or from the cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    /// The URL queried (the cache key).
    pub url: String,
    /// The SDMX-ML 2.1 structure message, byte for byte as received.
    pub body: Vec<u8>,
    /// The body came from the cache (offline mode, or a 304).
    pub from_cache: bool,
    /// The registry answered 304 Not Modified to a conditional request.
    pub not_modified: bool,
    /// The `ETag` recorded for the body, verbatim.
    pub etag: Option<String>,
    /// The `Last-Modified` recorded for the body, verbatim.
    pub last_modified: Option<String>,
    /// SHA-256 of `body`, lower-case hex (also the cache file name).
    pub sha256: String,
}

impl Fetched {
    /// Parses the body with [`sdmx::StructureSet::from_reader`].
    pub fn structures(&self) -> Result<sdmx::StructureSet, RegistryError> {
        sdmx::StructureSet::from_reader(self.body.as_slice()).map_err(|e| {
            RegistryError::InvalidStructure {
                url: self.url.clone(),
                message: e.to_string(),
            }
        })
    }
}

/// What a query asks for, so the response can be checked to contain it.
#[derive(Debug, Clone, Copy)]
enum Artefact<'a> {
    Dataflow(&'a str),
    Codelist(&'a str),
}

/// A blocking client for ILOSTAT's SDMX registry with a response cache.
///
/// The HTTP client (reqwest, rustls with the *ring* provider) is built once
/// and reused; it is not built at all in offline mode.
#[derive(Debug)]
pub struct RegistryClient {
    options: ClientOptions,
    base_url: String,
    cache: Cache,
    http: Option<Client>,
}

impl RegistryClient {
    /// Builds a client. Installs rustls' *ring* crypto provider as the
    /// process default if no provider is installed yet.
    pub fn new(options: ClientOptions) -> Result<Self, RegistryError> {
        let base_url = options.base_url.trim_end_matches('/').to_owned();
        if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
            return Err(RegistryError::BadQuery {
                url: options.base_url.clone(),
                message: "the base URL must start with http:// or https://".into(),
            });
        }
        let http = if options.offline {
            None
        } else {
            if rustls::crypto::CryptoProvider::get_default().is_none() {
                // Err means another thread installed one first: fine either way.
                let _ = rustls::crypto::ring::default_provider().install_default();
            }
            let client = Client::builder()
                .timeout(options.timeout)
                .connect_timeout(options.timeout)
                .build()
                .map_err(|e| RegistryError::Network {
                    url: base_url.clone(),
                    message: format!("cannot build the HTTP client: {}", error_chain(&e)),
                    attempts: 0,
                })?;
            Some(client)
        };
        Ok(RegistryClient {
            cache: Cache::new(options.cache_dir.clone()),
            base_url,
            options,
            http,
        })
    }

    /// The options the client was built with.
    pub fn options(&self) -> &ClientOptions {
        &self.options
    }

    /// `{base}/dataflow/{agency}/{dataflow}/latest?references=all`.
    pub fn dataflow_url(&self, agency: &str, dataflow: &str) -> String {
        format!(
            "{}/dataflow/{agency}/{dataflow}/latest?references=all",
            self.base_url
        )
    }

    /// `{base}/codelist/{agency}/{id}/latest`.
    pub fn codelist_url(&self, agency: &str, id: &str) -> String {
        format!("{}/codelist/{agency}/{id}/latest", self.base_url)
    }

    /// Fetches a dataflow with everything it references (DSD, codelists,
    /// concept schemes, constraints):
    /// `GET {base}/dataflow/{agency}/{dataflow}/latest?references=all` with
    /// `Accept: application/vnd.sdmx.structure+xml;version=2.1` and
    /// `Accept-Language: en`. `dataflow` is the full id (`DF_…` for ILO).
    /// The body must parse as an SDMX-ML 2.1 structure message containing
    /// that dataflow.
    pub fn fetch_dataflow(&self, agency: &str, dataflow: &str) -> Result<Fetched, RegistryError> {
        let url = self.dataflow_url(agency, dataflow);
        check_ids(&url, agency, dataflow)?;
        self.fetch(&url, Artefact::Dataflow(dataflow))
    }

    /// Fetches a codelist: `GET {base}/codelist/{agency}/{id}/latest`, with
    /// the same headers as [`RegistryClient::fetch_dataflow`]. The body must
    /// contain that codelist.
    pub fn fetch_codelist(&self, agency: &str, id: &str) -> Result<Fetched, RegistryError> {
        let url = self.codelist_url(agency, id);
        check_ids(&url, agency, id)?;
        self.fetch(&url, Artefact::Codelist(id))
    }

    fn fetch(&self, url: &str, artefact: Artefact<'_>) -> Result<Fetched, RegistryError> {
        let Some(http) = &self.http else {
            return match self.cache.load(url)? {
                Some((entry, body)) => Ok(fetched(url, entry, body, true, false)),
                None => Err(RegistryError::Offline {
                    url: url.to_owned(),
                }),
            };
        };

        // A missing or corrupt body is simply fetched again; a broken index is an error.
        let cached = match self.cache.load(url) {
            Ok(c) => c,
            // The index is readable but the body file is missing or corrupt: fetch again.
            Err(_) if self.cache.entry(url).is_ok() => None,
            Err(e) => return Err(e),
        };

        let mut attempts = 0u32;
        loop {
            attempts += 1;
            let failure = match self.send(http, url, cached.as_ref().map(|(e, _)| e)) {
                Ok(response) => {
                    match self.handle(url, artefact, response, cached.as_ref(), attempts)? {
                        Handled::Done(f) => return Ok(f),
                        Handled::Retry(err) => err,
                    }
                }
                Err(err) => err.into_error(url, attempts),
            };
            if attempts > self.options.max_retries {
                return Err(failure);
            }
            std::thread::sleep(self.backoff(attempts - 1));
        }
    }

    /// Wait before retry number `retry` (0-based): the initial backoff doubled
    /// `retry` times.
    fn backoff(&self, retry: u32) -> Duration {
        self.options
            .initial_backoff
            .saturating_mul(1u32 << retry.min(20))
    }

    fn send(
        &self,
        http: &Client,
        url: &str,
        cached: Option<&CacheEntry>,
    ) -> Result<Response, Transport> {
        let mut request = http
            .get(url)
            .header(ACCEPT, STRUCTURE_ACCEPT)
            .header(ACCEPT_LANGUAGE, ACCEPT_LANGUAGE_EN)
            .header(
                USER_AGENT,
                concat!("migstat-sdmx-registry/", env!("CARGO_PKG_VERSION")),
            );
        if let Some(entry) = cached {
            if let Some(etag) = &entry.etag {
                request = request.header(IF_NONE_MATCH, etag);
            }
            if let Some(lm) = &entry.last_modified {
                request = request.header(IF_MODIFIED_SINCE, lm);
            }
        }
        let response = request.send().map_err(Transport::from)?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.bytes().map_err(Transport::from)?.to_vec();
        Ok(Response {
            status,
            etag: header(&headers, ETAG),
            last_modified: header(&headers, LAST_MODIFIED),
            body,
        })
    }

    fn handle(
        &self,
        url: &str,
        artefact: Artefact<'_>,
        response: Response,
        cached: Option<&(CacheEntry, Vec<u8>)>,
        attempts: u32,
    ) -> Result<Handled, RegistryError> {
        let url_s = || url.to_owned();
        match response.status {
            200 => {
                validate(url, artefact, &response.body)?;
                let entry = CacheEntry {
                    sha256: sha256_hex(&response.body),
                    etag: response.etag,
                    last_modified: response.last_modified,
                    fetched_at: now_rfc3339(),
                };
                self.cache.store(url, &entry, Some(&response.body))?;
                Ok(Handled::Done(fetched(
                    url,
                    entry,
                    response.body,
                    false,
                    false,
                )))
            }
            304 => match cached {
                Some((entry, body)) => {
                    // Keep validators the server may have refreshed; record the revalidation.
                    let entry = CacheEntry {
                        sha256: entry.sha256.clone(),
                        etag: response.etag.or_else(|| entry.etag.clone()),
                        last_modified: response
                            .last_modified
                            .or_else(|| entry.last_modified.clone()),
                        fetched_at: now_rfc3339(),
                    };
                    self.cache.store(url, &entry, None)?;
                    Ok(Handled::Done(fetched(url, entry, body.clone(), true, true)))
                }
                None => Err(RegistryError::UnexpectedStatus {
                    url: url_s(),
                    status: 304,
                    body_excerpt: "304 Not Modified to a request that was not conditional".into(),
                }),
            },
            404 => Err(RegistryError::NotFound { url: url_s() }),
            413 => Err(RegistryError::TooLarge { url: url_s() }),
            400 | 422 => Err(RegistryError::BadQuery {
                url: url_s(),
                message: format!("HTTP {}: {:?}", response.status, excerpt(&response.body)),
            }),
            500..=599 => Ok(Handled::Retry(RegistryError::Server {
                url: url_s(),
                status: response.status,
                body_excerpt: excerpt(&response.body),
                attempts,
            })),
            status => Err(RegistryError::UnexpectedStatus {
                url: url_s(),
                status,
                body_excerpt: excerpt(&response.body),
            }),
        }
    }
}

enum Handled {
    Done(Fetched),
    /// A transient failure: retry while retries remain, else report it.
    Retry(RegistryError),
}

struct Response {
    status: u16,
    etag: Option<String>,
    last_modified: Option<String>,
    body: Vec<u8>,
}

/// A failure below HTTP: always retried.
struct Transport {
    timeout: bool,
    message: String,
}

impl From<reqwest::Error> for Transport {
    fn from(e: reqwest::Error) -> Self {
        Transport {
            timeout: e.is_timeout(),
            message: error_chain(&e),
        }
    }
}

impl Transport {
    fn into_error(self, url: &str, attempts: u32) -> RegistryError {
        if self.timeout {
            RegistryError::Timeout {
                url: url.to_owned(),
                attempts,
            }
        } else {
            RegistryError::Network {
                url: url.to_owned(),
                message: self.message,
                attempts,
            }
        }
    }
}

fn fetched(
    url: &str,
    entry: CacheEntry,
    body: Vec<u8>,
    from_cache: bool,
    not_modified: bool,
) -> Fetched {
    Fetched {
        url: url.to_owned(),
        body,
        from_cache,
        not_modified,
        etag: entry.etag,
        last_modified: entry.last_modified,
        sha256: entry.sha256,
    }
}

/// Checks that `body` is an SDMX-ML 2.1 structure message holding `artefact`.
fn validate(url: &str, artefact: Artefact<'_>, body: &[u8]) -> Result<(), RegistryError> {
    let invalid = |message: String| RegistryError::InvalidStructure {
        url: url.to_owned(),
        message,
    };
    let set = sdmx::StructureSet::from_reader(body).map_err(|e| {
        invalid(format!(
            "{e} (the body starts with {:?})",
            excerpt(&body[..body.len().min(120)])
        ))
    })?;
    let present = match artefact {
        Artefact::Dataflow(id) => set.dataflow(id).is_some(),
        Artefact::Codelist(id) => set.codelist(id).is_some(),
    };
    if present {
        Ok(())
    } else {
        let (kind, id) = match artefact {
            Artefact::Dataflow(id) => ("dataflow", id),
            Artefact::Codelist(id) => ("codelist", id),
        };
        Err(invalid(format!("it does not contain the {kind} {id}")))
    }
}

/// SDMX identifiers (`IDType`: letters, digits, `_`, `@`, `$`, `-`) plus `.`
/// for nested agencies. Anything else is refused before a request is sent,
/// so an id can never change the path or the query string.
fn check_ids(url: &str, agency: &str, id: &str) -> Result<(), RegistryError> {
    for (what, value) in [("agency", agency), ("identifier", id)] {
        let ok = !value.is_empty()
            && value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '@' | '$' | '-' | '.'))
            && !value.starts_with('.');
        if !ok {
            return Err(RegistryError::BadQuery {
                url: url.to_owned(),
                message: format!(
                    "invalid {what} {value:?}: SDMX identifiers use only letters, digits and _ @ $ - ."
                ),
            });
        }
    }
    Ok(())
}

fn header(headers: &HeaderMap, name: reqwest::header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// The start of a body as one line of text.
fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut out = String::new();
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
        if out.chars().count() >= EXCERPT_CHARS {
            break;
        }
    }
    if out.chars().count() > EXCERPT_CHARS {
        out = out.chars().take(EXCERPT_CHARS).collect::<String>() + "…";
    }
    out
}

/// An error and all its sources, joined with `: `.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_identifiers_that_could_change_the_url() {
        for bad in ["", "DF_X/../../data", "DF X", "DF_X?references=none", ".."] {
            let err = check_ids("u", "ILO", bad).unwrap_err();
            assert!(
                matches!(err, RegistryError::BadQuery { .. }),
                "{bad}: {err}"
            );
        }
        check_ids("u", "ILO", "DF_MST_TEAP_SEX_AGE_CBR_NB").unwrap();
        check_ids("u", "ESTAT.ILO", "CL_SEX").unwrap();
    }

    #[test]
    fn excerpts_are_one_short_line() {
        assert_eq!(excerpt(b"  <html>\n  <b>Oops</b>\n"), "<html> <b>Oops</b>");
        let long = "x".repeat(1000);
        assert_eq!(excerpt(long.as_bytes()).chars().count(), EXCERPT_CHARS + 1);
    }

    #[test]
    fn backoff_doubles() {
        let client = RegistryClient::new(ClientOptions {
            offline: true,
            ..ClientOptions::new("/nonexistent")
        })
        .unwrap();
        let ms: Vec<u128> = (0..4).map(|r| client.backoff(r).as_millis()).collect();
        assert_eq!(ms, [500, 1000, 2000, 4000]);
    }

    #[test]
    fn builds_the_specified_urls() {
        let client = RegistryClient::new(ClientOptions {
            base_url: "https://sdmx.ilo.org/rest/".into(),
            offline: true,
            ..ClientOptions::new("/nonexistent")
        })
        .unwrap();
        assert_eq!(
            client.dataflow_url("ILO", "DF_MST_TEAP_SEX_AGE_CBR_NB"),
            "https://sdmx.ilo.org/rest/dataflow/ILO/DF_MST_TEAP_SEX_AGE_CBR_NB/latest?references=all"
        );
        assert_eq!(
            client.codelist_url("ILO", "CL_SEX"),
            "https://sdmx.ilo.org/rest/codelist/ILO/CL_SEX/latest"
        );
    }

    #[test]
    fn rejects_a_base_url_without_scheme() {
        let err = RegistryClient::new(ClientOptions {
            base_url: "sdmx.ilo.org/rest".into(),
            ..ClientOptions::new("/nonexistent")
        })
        .unwrap_err();
        assert!(err.to_string().contains("http://"), "{err}");
    }

    #[test]
    fn builds_an_online_client_with_the_ring_provider() {
        RegistryClient::new(ClientOptions::new("/nonexistent")).unwrap();
        assert!(rustls::crypto::CryptoProvider::get_default().is_some());
    }
}
