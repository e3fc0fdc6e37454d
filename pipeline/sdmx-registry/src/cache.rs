//! A small content-addressed cache of registry responses.
//!
//! Layout of the cache directory:
//!
//! ```text
//! <cache_dir>/index.json        URL -> { sha256, etag, last_modified, fetched_at }
//! <cache_dir>/<sha256>.xml      response bodies, named by the SHA-256 of their bytes
//! ```
//!
//! Every file is written to a temporary file in the same directory and then
//! renamed over its final name, so a reader never sees half a file. The index
//! is re-read just before each update, which keeps concurrent processes from
//! losing each other's entries in all but a narrow race (the loser's entry is
//! merely fetched again next time). Bodies are checked against their SHA-256
//! on every read.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::RegistryError;

/// The name of the index file inside the cache directory.
pub const INDEX_FILE: &str = "index.json";

const INDEX_FORMAT: u32 = 1;

/// What the index records about one cached URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CacheEntry {
    /// SHA-256 of the body, lower-case hex; the body file is `<sha256>.xml`.
    pub sha256: String,
    /// The `ETag` the registry sent, verbatim (quotes included).
    pub etag: Option<String>,
    /// The `Last-Modified` the registry sent, verbatim.
    pub last_modified: Option<String>,
    /// When the body was fetched or last revalidated (RFC 3339, UTC).
    pub fetched_at: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Index {
    format: u32,
    entries: BTreeMap<String, CacheEntry>,
}

/// The on-disk cache. Cheap to construct; it holds only the directory.
#[derive(Debug, Clone)]
pub(crate) struct Cache {
    dir: PathBuf,
}

impl Cache {
    pub(crate) fn new(dir: PathBuf) -> Self {
        Cache { dir }
    }

    #[cfg(test)]
    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    fn index_path(&self) -> PathBuf {
        self.dir.join(INDEX_FILE)
    }

    pub(crate) fn body_path(&self, sha256: &str) -> PathBuf {
        self.dir.join(format!("{sha256}.xml"))
    }

    fn read_index(&self) -> Result<Index, RegistryError> {
        let path = self.index_path();
        let bytes = match fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Index {
                    format: INDEX_FORMAT,
                    entries: BTreeMap::new(),
                })
            }
            Err(e) => return Err(cache_err(&path, format!("cannot read the index: {e}"))),
        };
        let index: Index = serde_json::from_slice(&bytes)
            .map_err(|e| cache_err(&path, format!("the index is not valid JSON: {e}")))?;
        if index.format != INDEX_FORMAT {
            return Err(cache_err(
                &path,
                format!(
                    "index format {} is not the supported format {INDEX_FORMAT}",
                    index.format
                ),
            ));
        }
        Ok(index)
    }

    /// The index entry for `url`, if any.
    pub(crate) fn entry(&self, url: &str) -> Result<Option<CacheEntry>, RegistryError> {
        Ok(self.read_index()?.entries.remove(url))
    }

    /// The cached entry and body for `url`. `Ok(None)` when the URL is not in
    /// the index; an error when it is but the body file is missing or does
    /// not match its checksum.
    pub(crate) fn load(&self, url: &str) -> Result<Option<(CacheEntry, Vec<u8>)>, RegistryError> {
        let Some(entry) = self.entry(url)? else {
            return Ok(None);
        };
        let path = self.body_path(&entry.sha256);
        let body = fs::read(&path)
            .map_err(|e| cache_err(&path, format!("cannot read the cached body of {url}: {e}")))?;
        let actual = sha256_hex(&body);
        if actual != entry.sha256 {
            return Err(cache_err(
                &path,
                format!("the cached body of {url} is corrupt (its SHA-256 is {actual})"),
            ));
        }
        Ok(Some((entry, body)))
    }

    /// Stores `body` (if not already there) and records `entry` for `url`.
    pub(crate) fn store(
        &self,
        url: &str,
        entry: &CacheEntry,
        body: Option<&[u8]>,
    ) -> Result<(), RegistryError> {
        fs::create_dir_all(&self.dir)
            .map_err(|e| cache_err(&self.dir, format!("cannot create the directory: {e}")))?;
        if let Some(body) = body {
            let path = self.body_path(&entry.sha256);
            if !path.is_file() {
                write_atomically(&path, body)?;
            }
        }
        let mut index = self.read_index()?;
        index.format = INDEX_FORMAT;
        index.entries.insert(url.to_owned(), entry.clone());
        let mut json = serde_json::to_vec_pretty(&index)
            .map_err(|e| cache_err(&self.index_path(), e.to_string()))?;
        json.push(b'\n');
        write_atomically(&self.index_path(), &json)
    }
}

/// Writes `bytes` to a temporary file next to `path`, flushes it to disk and
/// renames it over `path`.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), RegistryError> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(
        ".{name}.tmp-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let result = (|| {
        let mut file = fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = fs::remove_file(&tmp);
        cache_err(path, format!("cannot write: {e}"))
    })
}

fn cache_err(path: &Path, message: String) -> RegistryError {
    RegistryError::Cache {
        path: path.to_path_buf(),
        message,
    }
}

/// SHA-256 of `bytes` as lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// The current time as RFC 3339 UTC with second precision.
pub(crate) fn now_rfc3339() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    rfc3339_utc(secs)
}

/// Formats Unix seconds as `YYYY-MM-DDThh:mm:ssZ` (proleptic Gregorian).
pub(crate) fn rfc3339_utc(unix_secs: u64) -> String {
    let days = (unix_secs / 86_400) as i64;
    let rem = unix_secs % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3_600,
        rem % 3_600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_rfc3339() {
        assert_eq!(rfc3339_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339_utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339_utc(1_798_761_599), "2026-12-31T23:59:59Z");
    }

    #[test]
    fn hashes_like_sha256sum() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn stores_and_loads_and_detects_corruption() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path().join("c"));
        assert!(cache.load("http://x/a").unwrap().is_none());
        let body = b"<x/>";
        let entry = CacheEntry {
            sha256: sha256_hex(body),
            etag: Some("\"1\"".into()),
            last_modified: None,
            fetched_at: now_rfc3339(),
        };
        cache.store("http://x/a", &entry, Some(body)).unwrap();
        let (e, b) = cache.load("http://x/a").unwrap().unwrap();
        assert_eq!((e, b.as_slice()), (entry.clone(), &body[..]));
        // No temporary files left behind.
        let names: Vec<_> = fs::read_dir(cache.dir())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert!(names.iter().all(|n| !n.starts_with('.')), "{names:?}");
        fs::write(cache.body_path(&entry.sha256), b"tampered").unwrap();
        let err = cache.load("http://x/a").unwrap_err();
        assert!(matches!(err, RegistryError::Cache { .. }), "{err}");
        assert!(err.to_string().contains("corrupt"), "{err}");
    }

    #[test]
    fn corrupt_index_is_a_cache_error() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(INDEX_FILE), b"{not json").unwrap();
        let err = Cache::new(dir.path().to_path_buf())
            .load("http://x/a")
            .unwrap_err();
        assert!(err.to_string().contains("index.json"), "{err}");
        assert!(
            err.to_string().contains("delete the cache directory"),
            "{err}"
        );
    }
}
