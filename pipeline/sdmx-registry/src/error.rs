//! The crate's error type.
//!
//! Every message names the URL (or, for the cache, the file) and says what to
//! do next, so the CLI can print it as is.

use std::path::PathBuf;

/// Everything that can go wrong while fetching a structure from the registry.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RegistryError {
    /// HTTP 404: the registry has no such artefact.
    #[error(
        "{url}: not found (HTTP 404); check the agency and the identifier \
         (ILO dataflows are named DF_<INDICATOR>, codelists CL_<CONCEPT>)"
    )]
    NotFound {
        /// The URL requested.
        url: String,
    },

    /// HTTP 413: the registry refuses queries whose answer is this large.
    #[error(
        "{url}: HTTP 413: the registry refused a query this large; \
         fetch dataflows one by one"
    )]
    TooLarge {
        /// The URL requested.
        url: String,
    },

    /// HTTP 400 or 422: the registry rejected the query itself, or an
    /// identifier was refused before any request was sent.
    #[error("{url}: the registry rejected the query ({message}); fix the identifiers or parameters of the query")]
    BadQuery {
        /// The URL requested (or that would have been requested).
        url: String,
        /// The status and what the registry (or this client) said.
        message: String,
    },

    /// HTTP 5xx, still failing after every retry.
    #[error(
        "{url}: the registry failed with HTTP {status} after {attempts} attempt(s): \
         {body_excerpt:?}; try again later, or work offline from the cache \
         (a 500 with an ORA- text can also mean an unknown code in the query)"
    )]
    Server {
        /// The URL requested.
        url: String,
        /// The last HTTP status received.
        status: u16,
        /// The start of the last response body.
        body_excerpt: String,
        /// How many requests were sent.
        attempts: u32,
    },

    /// No complete response within the timeout, after every retry.
    #[error(
        "{url}: no complete response within the timeout after {attempts} attempt(s); \
         try again later or raise the timeout"
    )]
    Timeout {
        /// The URL requested.
        url: String,
        /// How many requests were sent.
        attempts: u32,
    },

    /// The connection failed (DNS, refused, reset, TLS, …), after every retry,
    /// or the registry answered with a status this client does not expect.
    #[error(
        "{url}: network error after {attempts} attempt(s): {message}; check the network \
         connection, proxy settings and base URL, or work offline from the cache"
    )]
    Network {
        /// The URL requested.
        url: String,
        /// What failed.
        message: String,
        /// How many requests were sent.
        attempts: u32,
    },

    /// The registry answered with a status this client does not handle
    /// (401, 403, 406, 429, a 3xx that was not followed, a 304 for an
    /// unconditional request, …). Not retried.
    #[error(
        "{url}: unexpected HTTP {status} from the registry: {body_excerpt:?}; \
         check the base URL and access rights, or try again later"
    )]
    UnexpectedStatus {
        /// The URL requested.
        url: String,
        /// The HTTP status received.
        status: u16,
        /// The start of the response body.
        body_excerpt: String,
    },

    /// Offline mode is on and the URL is not in the cache.
    #[error(
        "{url}: not in the cache and offline mode is on; run once online \
         (without offline mode) to fill the cache"
    )]
    Offline {
        /// The URL requested.
        url: String,
    },

    /// The body is not an SDMX-ML 2.1 structure message (or lacks the
    /// artefact asked for). Nothing was cached.
    #[error(
        "{url}: the response is not a usable SDMX-ML 2.1 structure message: {message}; \
         nothing was cached; check the base URL and identifiers, and report it to \
         the registry operator if the query is right"
    )]
    InvalidStructure {
        /// The URL requested.
        url: String,
        /// Why the body was refused.
        message: String,
    },

    /// Reading or writing the cache failed.
    #[error(
        "cache {}: {message}; check permissions and free space, or delete the \
         cache directory to rebuild it",
        path.display()
    )]
    Cache {
        /// The cache file or directory concerned.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
}

impl RegistryError {
    /// The URL the error is about, if any (every variant but [`RegistryError::Cache`]).
    pub fn url(&self) -> Option<&str> {
        match self {
            RegistryError::NotFound { url }
            | RegistryError::TooLarge { url }
            | RegistryError::BadQuery { url, .. }
            | RegistryError::Server { url, .. }
            | RegistryError::Timeout { url, .. }
            | RegistryError::Network { url, .. }
            | RegistryError::UnexpectedStatus { url, .. }
            | RegistryError::Offline { url }
            | RegistryError::InvalidStructure { url, .. } => Some(url),
            RegistryError::Cache { .. } => None,
        }
    }
}
