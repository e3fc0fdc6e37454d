//! The client against a local scripted server serving recorded responses.
//! No test touches the internet.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::*;
use sdmx_registry::*;

const ETAG: &str = "\"dsd-v1\"";
const LAST_MODIFIED: &str = "Sat, 20 Sep 2026 07:33:33 GMT";

fn options(server: &TestServer, cache: &Path) -> ClientOptions {
    ClientOptions {
        base_url: server.base_url(),
        timeout: Duration::from_secs(10),
        max_retries: 3,
        initial_backoff: Duration::from_millis(5),
        ..ClientOptions::new(cache)
    }
}

fn client(server: &TestServer, cache: &Path) -> RegistryClient {
    RegistryClient::new(options(server, cache)).unwrap()
}

fn dataflow_path() -> String {
    format!("/rest/dataflow/ILO/{DATAFLOW}/latest?references=all")
}

fn index(cache: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(cache.join(INDEX_FILE)).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// A registry that answers 304 when the client's If-None-Match matches.
fn conditional_server() -> TestServer {
    let body = data(DATAFLOW_FILE);
    TestServer::start(move |req, _| {
        if req.header("if-none-match") == Some(ETAG) {
            Reply::new(304, Vec::new()).header("ETag", ETAG)
        } else {
            Reply::structure(body.clone())
                .header("ETag", ETAG)
                .header("Last-Modified", LAST_MODIFIED)
        }
    })
}

#[test]
fn sends_the_specified_path_and_headers() {
    let server = TestServer::start(|req, _| {
        if req.target.starts_with("/rest/codelist/") {
            Reply::structure(data(CODELIST_FILE))
        } else {
            Reply::structure(data(DATAFLOW_FILE))
        }
    });
    let (_guard, cache) = cache_dir();
    let client = client(&server, &cache);
    client.fetch_dataflow("ILO", DATAFLOW).unwrap();
    client.fetch_codelist("ILO", "CL_SEX").unwrap();

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let targets: Vec<&str> = requests.iter().map(|r| r.target.as_str()).collect();
    assert_eq!(
        targets,
        [dataflow_path().as_str(), "/rest/codelist/ILO/CL_SEX/latest"]
    );
    for req in &requests {
        assert_eq!(req.method, "GET");
        assert_eq!(req.header_count("accept"), 1, "{req:?}");
        assert_eq!(
            req.header("accept"),
            Some("application/vnd.sdmx.structure+xml;version=2.1")
        );
        assert_eq!(req.header_count("accept-language"), 1, "{req:?}");
        assert_eq!(req.header("accept-language"), Some("en"));
        // First fetch of each URL: nothing to revalidate.
        assert_eq!(req.header("if-none-match"), None);
        assert_eq!(req.header("if-modified-since"), None);
    }
}

#[test]
fn caches_a_200_then_serves_a_304_from_the_cache() {
    let server = conditional_server();
    let (_guard, cache) = cache_dir();
    let client = client(&server, &cache);
    let recorded = data(DATAFLOW_FILE);

    let first = client.fetch_dataflow("ILO", DATAFLOW).unwrap();
    assert_eq!(first.body, recorded);
    assert!(!first.from_cache && !first.not_modified);
    assert_eq!(first.etag.as_deref(), Some(ETAG));
    assert_eq!(first.last_modified.as_deref(), Some(LAST_MODIFIED));
    assert_eq!(first.sha256, sha256_hex(&recorded));
    let url = format!(
        "{}/dataflow/ILO/{DATAFLOW}/latest?references=all",
        server.base_url()
    );
    assert_eq!(first.url, url);

    // The index and the content-addressed body file.
    let idx = index(&cache);
    let entry = &idx["entries"][&url];
    assert_eq!(entry["sha256"], first.sha256.as_str());
    assert_eq!(entry["etag"], ETAG);
    assert_eq!(entry["last_modified"], LAST_MODIFIED);
    assert!(
        entry["fetched_at"].as_str().unwrap().ends_with('Z'),
        "{entry}"
    );
    let body_file = cache.join(format!("{}.xml", first.sha256));
    assert_eq!(std::fs::read(&body_file).unwrap(), recorded);
    // Atomic writes leave no temporary files.
    assert_eq!(
        files_in(&cache),
        [format!("{}.xml", first.sha256), INDEX_FILE.to_owned()]
    );
    // What is stored parses as a structure message with the dataflow and its DSD.
    let stored = sdmx::StructureSet::from_path(&body_file).unwrap();
    let flow = stored.dataflow(DATAFLOW).unwrap();
    assert!(stored.data_structure_of(flow).is_some());

    // Second fetch: conditional request, 304, cached body.
    let second = client.fetch_dataflow("ILO", DATAFLOW).unwrap();
    assert!(second.from_cache && second.not_modified);
    assert_eq!(second.body, recorded);
    assert_eq!(second.sha256, first.sha256);
    assert_eq!(second.etag.as_deref(), Some(ETAG));
    assert_eq!(second.last_modified.as_deref(), Some(LAST_MODIFIED));
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].header("if-none-match"), Some(ETAG));
    assert_eq!(requests[1].header("if-modified-since"), Some(LAST_MODIFIED));
    assert_eq!(requests[1].target, dataflow_path());
}

#[test]
fn a_new_200_replaces_the_cached_version() {
    let v1 = data(CODELIST_FILE);
    let v2 = String::from_utf8(v1.clone())
        .unwrap()
        .replace("IDREF1", "IDREF2")
        .into_bytes();
    let (b1, b2) = (v1.clone(), v2.clone());
    let server = TestServer::start(move |_, n| {
        if n == 1 {
            Reply::structure(b1.clone()).header("ETag", "\"1\"")
        } else {
            Reply::structure(b2.clone()).header("ETag", "\"2\"")
        }
    });
    let (_guard, cache) = cache_dir();
    let client = client(&server, &cache);
    client.fetch_codelist("ILO", "CL_SEX").unwrap();
    let second = client.fetch_codelist("ILO", "CL_SEX").unwrap();
    assert!(!second.from_cache && !second.not_modified);
    assert_eq!(second.body, v2);
    assert_eq!(second.etag.as_deref(), Some("\"2\""));
    assert_eq!(server.requests()[1].header("if-none-match"), Some("\"1\""));
    // Offline now serves the new version.
    let offline = RegistryClient::new(ClientOptions {
        offline: true,
        ..options(&server, &cache)
    })
    .unwrap();
    assert_eq!(offline.fetch_codelist("ILO", "CL_SEX").unwrap().body, v2);
}

#[test]
fn refetches_unconditionally_when_the_cached_body_is_gone() {
    let server = conditional_server();
    let (_guard, cache) = cache_dir();
    let client = client(&server, &cache);
    let first = client.fetch_dataflow("ILO", DATAFLOW).unwrap();
    std::fs::remove_file(cache.join(format!("{}.xml", first.sha256))).unwrap();
    let second = client.fetch_dataflow("ILO", DATAFLOW).unwrap();
    assert!(!second.from_cache);
    assert_eq!(server.requests()[1].header("if-none-match"), None);
    assert!(cache.join(format!("{}.xml", first.sha256)).is_file());
}

#[test]
fn codelist_body_parses() {
    let server = TestServer::always(Reply::structure(data(CODELIST_FILE)));
    let (_guard, cache) = cache_dir();
    let fetched = client(&server, &cache)
        .fetch_codelist("ILO", "CL_SEX")
        .unwrap();
    let set = fetched.structures().unwrap();
    let sex = set.codelist("CL_SEX").unwrap();
    for code in ["SEX_T", "SEX_M", "SEX_F", "SEX_O"] {
        assert!(sex.contains(code), "{code}");
    }
}

fn assert_no_retry_and_nothing_cached(server: &TestServer, cache: &Path) {
    assert_eq!(server.count(), 1, "4xx must not be retried");
    assert!(files_in(cache).is_empty(), "{:?}", files_in(cache));
}

#[test]
fn http_404_is_not_found() {
    let server = TestServer::always(Reply::new(404, "NoResultsFound"));
    let (_guard, cache) = cache_dir();
    let err = client(&server, &cache)
        .fetch_dataflow("ILO", "DF_NOPE")
        .unwrap_err();
    assert!(matches!(err, RegistryError::NotFound { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(
        msg.contains("/rest/dataflow/ILO/DF_NOPE/latest?references=all"),
        "{msg}"
    );
    assert!(msg.contains("check the agency and the identifier"), "{msg}");
    assert_no_retry_and_nothing_cached(&server, &cache);
}

#[test]
fn http_413_is_too_large() {
    let server = TestServer::always(Reply::new(413, "Request Entity Too Large"));
    let (_guard, cache) = cache_dir();
    let err = client(&server, &cache)
        .fetch_dataflow("ILO", DATAFLOW)
        .unwrap_err();
    assert!(matches!(err, RegistryError::TooLarge { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains(&dataflow_path()), "{msg}");
    assert!(
        msg.contains("the registry refused a query this large; fetch dataflows one by one"),
        "{msg}"
    );
    assert_no_retry_and_nothing_cached(&server, &cache);
}

#[test]
fn http_422_and_400_are_bad_queries() {
    for status in [422, 400] {
        let server = TestServer::always(Reply::new(
            status,
            "Not enough key values in query, expecting 6 got 2",
        ));
        let (_guard, cache) = cache_dir();
        let err = client(&server, &cache)
            .fetch_codelist("ILO", "CL_SEX")
            .unwrap_err();
        let RegistryError::BadQuery { url, message } = &err else {
            panic!("{status}: {err:?}");
        };
        assert!(url.ends_with("/rest/codelist/ILO/CL_SEX/latest"), "{url}");
        assert!(message.contains(&format!("HTTP {status}")), "{message}");
        assert!(message.contains("expecting 6 got 2"), "{message}");
        assert!(err.to_string().contains(url.as_str()));
        assert_no_retry_and_nothing_cached(&server, &cache);
    }
}

#[test]
fn retries_5xx_then_succeeds() {
    let body = data(DATAFLOW_FILE);
    let server = TestServer::start(move |_, n| {
        if n <= 2 {
            Reply::new(500, "ORA-01403: no data found")
        } else {
            Reply::structure(body.clone())
        }
    });
    let (_guard, cache) = cache_dir();
    let client = RegistryClient::new(ClientOptions {
        initial_backoff: Duration::from_millis(40),
        ..options(&server, &cache)
    })
    .unwrap();
    let started = Instant::now();
    let fetched = client.fetch_dataflow("ILO", DATAFLOW).unwrap();
    assert!(!fetched.from_cache);
    assert_eq!(server.count(), 3);
    // Backoff 40 ms then 80 ms.
    assert!(
        started.elapsed() >= Duration::from_millis(120),
        "{:?}",
        started.elapsed()
    );
    assert!(cache.join(INDEX_FILE).is_file());
}

#[test]
fn gives_up_on_5xx_after_max_retries_plus_one_attempts() {
    let server = TestServer::always(Reply::new(503, "<html>Service Unavailable</html>"));
    let (_guard, cache) = cache_dir();
    let err = client(&server, &cache)
        .fetch_dataflow("ILO", DATAFLOW)
        .unwrap_err();
    assert_eq!(server.count(), 4, "max_retries = 3");
    let RegistryError::Server {
        status,
        body_excerpt,
        attempts,
        ..
    } = &err
    else {
        panic!("{err:?}");
    };
    assert_eq!((*status, *attempts), (503, 4));
    assert_eq!(body_excerpt, "<html>Service Unavailable</html>");
    let msg = err.to_string();
    assert!(
        msg.contains(&dataflow_path()) && msg.contains("try again later"),
        "{msg}"
    );
    assert!(files_in(&cache).is_empty());

    let server = TestServer::always(Reply::new(502, "bad gateway"));
    let err = RegistryClient::new(ClientOptions {
        max_retries: 0,
        ..options(&server, &cache)
    })
    .unwrap()
    .fetch_dataflow("ILO", DATAFLOW)
    .unwrap_err();
    assert!(
        matches!(err, RegistryError::Server { status: 502, .. }),
        "{err:?}"
    );
    assert_eq!(server.count(), 1);
}

#[test]
fn a_slow_response_times_out_and_is_retried() {
    let server =
        TestServer::always(Reply::structure(data(CODELIST_FILE)).delay(Duration::from_secs(3)));
    let (_guard, cache) = cache_dir();
    let client = RegistryClient::new(ClientOptions {
        timeout: Duration::from_millis(200),
        max_retries: 1,
        ..options(&server, &cache)
    })
    .unwrap();
    let started = Instant::now();
    let err = client.fetch_codelist("ILO", "CL_SEX").unwrap_err();
    assert!(
        matches!(err, RegistryError::Timeout { attempts: 2, .. }),
        "{err:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.count(), 2);
    let msg = err.to_string();
    assert!(msg.contains("/rest/codelist/ILO/CL_SEX/latest"), "{msg}");
    assert!(msg.contains("raise the timeout"), "{msg}");
    assert!(files_in(&cache).is_empty());
}

#[test]
fn a_refused_connection_is_a_network_error_after_retries() {
    // A port nobody listens on: bind, note it, close it.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let (_guard, cache) = cache_dir();
    let client = RegistryClient::new(ClientOptions {
        base_url: format!("http://127.0.0.1:{port}/rest"),
        max_retries: 2,
        initial_backoff: Duration::from_millis(1),
        ..ClientOptions::new(&cache)
    })
    .unwrap();
    let err = client.fetch_codelist("ILO", "CL_SEX").unwrap_err();
    let RegistryError::Network { url, attempts, .. } = &err else {
        panic!("{err:?}");
    };
    assert_eq!(*attempts, 3);
    assert!(url.ends_with("/rest/codelist/ILO/CL_SEX/latest"));
    assert!(
        err.to_string().contains("work offline from the cache"),
        "{err}"
    );
}

#[test]
fn offline_serves_from_the_cache_without_touching_the_network() {
    let server = conditional_server();
    let (_guard, cache) = cache_dir();
    let online = client(&server, &cache)
        .fetch_dataflow("ILO", DATAFLOW)
        .unwrap();

    let offline = RegistryClient::new(ClientOptions {
        offline: true,
        ..options(&server, &cache)
    })
    .unwrap();
    let fetched = offline.fetch_dataflow("ILO", DATAFLOW).unwrap();
    assert!(fetched.from_cache && !fetched.not_modified);
    assert_eq!(fetched.body, online.body);
    assert_eq!(fetched.sha256, online.sha256);
    assert_eq!(fetched.etag.as_deref(), Some(ETAG));
    assert_eq!(server.count(), 1, "offline must not send requests");
}

#[test]
fn offline_without_cache_is_an_offline_error() {
    let server = TestServer::always(Reply::structure(data(CODELIST_FILE)));
    let (_guard, cache) = cache_dir();
    let client = RegistryClient::new(ClientOptions {
        offline: true,
        ..options(&server, &cache)
    })
    .unwrap();
    let err = client.fetch_codelist("ILO", "CL_SEX").unwrap_err();
    let RegistryError::Offline { url } = &err else {
        panic!("{err:?}");
    };
    assert!(url.ends_with("/rest/codelist/ILO/CL_SEX/latest"));
    assert!(err.to_string().contains("offline mode is on"), "{err}");
    assert_eq!(server.count(), 0);
}

#[test]
fn an_html_200_is_invalid_and_not_cached() {
    let html = "<!DOCTYPE html>\n<html><head><title>Maintenance</title></head>\
                <body>ILOSTAT is down for maintenance</body></html>";
    let server = TestServer::always(Reply::new(200, html).header("Content-Type", "text/html"));
    let (_guard, cache) = cache_dir();
    let client = client(&server, &cache);
    let err = client.fetch_dataflow("ILO", DATAFLOW).unwrap_err();
    let RegistryError::InvalidStructure { url, message } = &err else {
        panic!("{err:?}");
    };
    assert!(url.ends_with(&dataflow_path()), "{url}");
    assert!(message.contains("Maintenance"), "{message}");
    assert!(err.to_string().contains("nothing was cached"), "{err}");
    assert!(files_in(&cache).is_empty(), "{:?}", files_in(&cache));
    assert_eq!(server.count(), 1, "an invalid body is not retried");
    // And nothing is served offline afterwards.
    let offline = RegistryClient::new(ClientOptions {
        offline: true,
        ..options(&server, &cache)
    })
    .unwrap();
    assert!(matches!(
        offline.fetch_dataflow("ILO", DATAFLOW),
        Err(RegistryError::Offline { .. })
    ));
}

#[test]
fn a_structure_without_the_requested_artefact_is_invalid() {
    // The codelist message answers a dataflow query.
    let server = TestServer::always(Reply::structure(data(CODELIST_FILE)));
    let (_guard, cache) = cache_dir();
    let err = client(&server, &cache)
        .fetch_dataflow("ILO", DATAFLOW)
        .unwrap_err();
    assert!(
        err.to_string()
            .contains(&format!("does not contain the dataflow {DATAFLOW}")),
        "{err}"
    );
    assert!(files_in(&cache).is_empty());
}

#[test]
fn identifiers_cannot_change_the_url() {
    let server = TestServer::always(Reply::structure(data(CODELIST_FILE)));
    let (_guard, cache) = cache_dir();
    let err = client(&server, &cache)
        .fetch_codelist("ILO", "CL_SEX/../../data")
        .unwrap_err();
    assert!(matches!(err, RegistryError::BadQuery { .. }), "{err:?}");
    assert_eq!(server.count(), 0);
}
