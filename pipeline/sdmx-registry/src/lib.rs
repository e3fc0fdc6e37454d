//! A small, cached, retrying client for ILOSTAT's SDMX registry.
//!
//! migstat needs ILO's *structures* (dataflows, their DSDs, codelists) to
//! write data ILOSTAT accepts, and ILO changes `1.0` codelists in place, so
//! they are fetched rather than hard-coded. This crate fetches them from
//! ILO's SDMX 2.1 REST service ([`DEFAULT_BASE_URL`],
//! `https://sdmx.ilo.org/rest`, SDMX-REST 1.x paths):
//!
//! | method | request |
//! |---|---|
//! | [`RegistryClient::fetch_dataflow`] | `GET {base}/dataflow/{agency}/{DF_…}/latest?references=all` |
//! | [`RegistryClient::fetch_codelist`] | `GET {base}/codelist/{agency}/{CL_…}/latest` |
//!
//! Both send `Accept: application/vnd.sdmx.structure+xml;version=2.1`
//! ([`STRUCTURE_ACCEPT`]) and `Accept-Language: en`, and return a
//! [`Fetched`]: the body byte for byte, its SHA-256 and where it came from.
//! [`Fetched::structures`] parses it with [`sdmx::StructureSet`].
//!
//! # Behaviour
//!
//! * **Validation.** A `200` body must parse as an SDMX-ML 2.1
//!   `message:Structure` and contain the artefact asked for; otherwise the
//!   result is [`RegistryError::InvalidStructure`] and nothing is cached (an
//!   HTML error page served with `200` never poisons the cache).
//! * **Cache.** A content-addressed cache in [`ClientOptions::cache_dir`]:
//!   bodies in `<sha256>.xml`, and `index.json` mapping each URL to
//!   `{sha256, etag, last_modified, fetched_at}`. Files are written to a
//!   temporary file and renamed into place.
//! * **Conditional requests.** For a cached URL the client sends
//!   `If-None-Match` / `If-Modified-Since`; a `304` serves the cached body
//!   with [`Fetched::not_modified`] set.
//! * **Retries.** HTTP 5xx, timeouts and connection errors are retried up to
//!   [`ClientOptions::max_retries`] times, waiting
//!   [`ClientOptions::initial_backoff`], doubling each time. 4xx answers are
//!   final: 404 → [`RegistryError::NotFound`], 413 →
//!   [`RegistryError::TooLarge`], 400/422 → [`RegistryError::BadQuery`].
//! * **Offline.** With [`ClientOptions::offline`] the network is never used:
//!   cached URLs are served, others give [`RegistryError::Offline`].
//!
//! Every error message names the URL (or cache file) and says what to do.
//!
//! # HTTP stack
//!
//! reqwest 0.13's *blocking* client (the CLI stays synchronous), HTTP/1.1,
//! rustls with the *ring* crypto provider (`rustls-no-provider` + rustls'
//! `ring` feature: no `aws-lc-sys` C build) and the platform's certificate
//! store. [`RegistryClient::new`] installs ring as rustls' process-wide
//! default provider unless one is installed already. Responses are not
//! compressed (no gzip feature). Being blocking, the client must not be
//! used from inside an async runtime.
//!
//! # Example
//!
//! ```no_run
//! use sdmx_registry::{ClientOptions, RegistryClient};
//!
//! let client = RegistryClient::new(ClientOptions::new(".cache/sdmx"))?;
//! let fetched = client.fetch_dataflow("ILO", "DF_MST_TEAP_SEX_AGE_CBR_NB")?;
//! println!("{} ({}, cached: {})", fetched.url, fetched.sha256, fetched.from_cache);
//! let structures = fetched.structures()?;
//! let flow = structures.dataflow("DF_MST_TEAP_SEX_AGE_CBR_NB").unwrap();
//! let dsd = structures.data_structure_of(flow).unwrap();
//! # let _ = dsd;
//! # Ok::<(), sdmx_registry::RegistryError>(())
//! ```
#![deny(missing_docs)]

mod cache;
mod client;
mod error;

pub use cache::{sha256_hex, CacheEntry, INDEX_FILE};
pub use client::{
    ClientOptions, Fetched, RegistryClient, ACCEPT_LANGUAGE_EN, DEFAULT_BASE_URL, STRUCTURE_ACCEPT,
};
pub use error::RegistryError;
