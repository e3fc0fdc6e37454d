//! `migstat structures fetch`: ILO's structures, fetched through the registry client and
//! stored as SDMX-ML files next to the bundled ones.

use std::path::PathBuf;
use std::time::Duration;

use migstat_artefacts::{atomic, Error, Result};
use sdmx_registry::{ClientOptions, RegistryClient, RegistryError};

/// What to fetch and how.
pub struct FetchRequest {
    pub dataflows: Vec<String>,
    pub registry: String,
    pub out: PathBuf,
    pub cache: PathBuf,
    pub offline: bool,
    pub timeout: Duration,
    pub retries: u32,
}

/// Fetches each dataflow (with its DSD, codelists and concepts) into `out/<DATAFLOW>.xml`.
pub fn fetch(request: &FetchRequest) -> Result<()> {
    let options = ClientOptions {
        base_url: request.registry.clone(),
        timeout: request.timeout,
        max_retries: request.retries,
        offline: request.offline,
        ..ClientOptions::new(&request.cache)
    };
    let client = RegistryClient::new(options).map_err(registry_error)?;
    for dataflow in &request.dataflows {
        let fetched = client
            .fetch_dataflow("ILO", dataflow)
            .map_err(registry_error)?;
        let path = request.out.join(format!("{dataflow}.xml"));
        atomic::write_file(&path, &fetched.body)?;
        let how = if fetched.not_modified {
            "not modified since the cached copy"
        } else if fetched.from_cache {
            "from the cache"
        } else {
            "fetched"
        };
        eprintln!(
            "{dataflow}: {how}, {} bytes, sha256 {} -> {}",
            fetched.body.len(),
            fetched.sha256,
            path.display()
        );
    }
    Ok(())
}

fn registry_error(e: RegistryError) -> Error {
    match e {
        RegistryError::Cache { .. } => Error::io(
            e.url().unwrap_or_default().to_string(),
            std::io::Error::other(e.to_string()),
        ),
        RegistryError::InvalidStructure { .. } => {
            Error::reference("registry response", e.to_string())
        }
        other => Error::io(
            other.url().unwrap_or_default().to_string(),
            std::io::Error::other(other.to_string()),
        ),
    }
}
