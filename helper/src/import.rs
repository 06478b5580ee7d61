//! `nix-pgo import`: pull CPU profiles from running services (the
//! continuous-profiling loop) over plain HTTP.
//!
//! Two kinds of source:
//! - a Go service with `net/http/pprof` mounted: `GET
//!   <base>/debug/pprof/profile?seconds=N` profiles the service for the next
//!   N seconds and answers with a gzipped pprof profile;
//! - Grafana Pyroscope (`pyroscope+http://host:4040`): `POST
//!   /querier.v1.QuerierService/SelectMergeProfile` (Connect protocol,
//!   binary protobuf body `{profile_type_id, label_selector, start, end}`,
//!   milliseconds) answers with the profiles it stored for that range,
//!   merged, as pprof protobuf.
//!
//! - a profile already on disk (`file:PATH`): `go test -cpuprofile`, a
//!   profile saved from a profiler's UI or fetched with curl; read once,
//!   whatever the windows.
//!
//! No TLS: rustls would bring a C build (ring) into the helper's sandboxed
//! build. https URLs get an error saying how to proceed (fetch the profile,
//! then import the file).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context, Result};
use prost::Message;
use serde::Serialize;

use crate::merge::first_repeated;
use crate::pprof::{self, Profile};

/// Where profiles come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Kind {
    /// A service's own net/http/pprof endpoint.
    #[serde(rename = "net/http/pprof")]
    NetHttpPprof,
    /// Grafana Pyroscope's query API.
    #[serde(rename = "pyroscope")]
    Pyroscope,
    /// A pprof file (its path is the source's `url`).
    #[serde(rename = "file")]
    File,
}

/// One `--source`: a URL and the weight of its profiles in the merge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Source {
    pub kind: Kind,
    pub url: String,
    pub weight: i64,
}

/// The prefix that marks a Pyroscope server among the sources.
pub const PYROSCOPE_PREFIX: &str = "pyroscope+";
/// The prefix that marks a profile file among the sources.
pub const FILE_PREFIX: &str = "file:";

/// Parse `[pyroscope+]URL[=WEIGHT]` or `file:PATH[=WEIGHT]`. A trailing `=DIGITS` is a weight unless
/// it ends the URL's query (as in `?seconds=30`), so a URL's own query
/// parameters stay in the URL.
pub fn parse_source(arg: &str) -> Result<Source, String> {
    let (kind, rest) = if let Some(rest) = arg.strip_prefix(PYROSCOPE_PREFIX) {
        (Kind::Pyroscope, rest)
    } else if let Some(rest) = arg.strip_prefix(FILE_PREFIX) {
        (Kind::File, rest)
    } else {
        (Kind::NetHttpPprof, arg)
    };
    let (url, weight) = match rest.rsplit_once('=') {
        Some((url, w))
            if !w.is_empty()
                && w.bytes().all(|b| b.is_ascii_digit())
                && !ends_in_query_name(url) =>
        {
            let weight = w
                .parse::<i64>()
                .ok()
                .filter(|&w| w > 0)
                .ok_or_else(|| format!("weight {w:?} of {url} is not a positive integer"))?;
            (url, weight)
        }
        _ => (rest, 1),
    };
    if kind == Kind::File {
        if url.is_empty() {
            return Err("file: names no file (e.g. file:cpu.pprof)".to_owned());
        }
        return Ok(Source {
            kind,
            url: file_url_path(url)?,
            weight,
        });
    }
    if url.starts_with("https://") {
        return Err(format!(
            "{url}: https is not supported (this nix-pgo is built without TLS, which would need \
             a C compiler in its Nix build); reach the endpoint over http, e.g. through \
             `kubectl port-forward` or `ssh -L` to 127.0.0.1, or fetch the profile with curl and \
             import the file: --source file:PATH"
        ));
    }
    if !url.starts_with("http://") || url.len() <= "http://".len() {
        return Err(format!(
            "{url:?} is not an http:// URL (e.g. http://127.0.0.1:6060, or \
             pyroscope+http://127.0.0.1:4040), nor a file:PATH"
        ));
    }
    // The window's length is --seconds alone: the pulls of one window run together, and the
    // summary, the provenance and the timeout count on it (a URL's seconds=5 under the
    // default --seconds 30 was summarized as a 30 s window; Go's handler reads seconds=0
    // as 30).
    if kind == Kind::NetHttpPprof && query_has(url, "seconds") {
        return Err(format!(
            "{url}: the URL sets seconds=, but the window's length is --seconds (every source \
             of a window is profiled over the same seconds): drop seconds= from the URL and give \
             --seconds N"
        ));
    }
    Ok(Source {
        kind,
        // http://HOST:PORT/ is the base URL; a path's trailing slash is the user's
        // (net/http/pprof's /debug/pprof/ is its index page, not /debug/pprof).
        url: match url["http://".len()..].trim_end_matches('/') {
            authority if !authority.contains('/') => url.trim_end_matches('/').to_owned(),
            _ => url.to_owned(),
        },
        weight,
    })
}

/// The path after `file:`: as written (`file:cpu.pprof`, `file:/tmp/cpu.pprof`), or a
/// file URL's (`file:///tmp/cpu.pprof`, RFC 8089: after `//` comes a host, empty or
/// `localhost` for this one), which was recorded as `///tmp/cpu.pprof`. A URL's path has
/// its percent escapes decoded (`file:///tmp/a%20b/cpu.pprof` is `/tmp/a b/cpu.pprof`,
/// as a browser or `curl file://…` reads it); a path written as a path is taken as it is.
fn file_url_path(rest: &str) -> Result<String, String> {
    let Some(authority_and_path) = rest.strip_prefix("//") else {
        return Ok(rest.to_owned());
    };
    let (host, path) = authority_and_path
        .find('/')
        .map_or((authority_and_path, ""), |i| authority_and_path.split_at(i));
    match host {
        _ if path.is_empty() => Err(format!(
            "file://{authority_and_path} is a URL with no path (after file:// comes a host): \
             give file:{authority_and_path} for a relative path, file:///abs/path for an \
             absolute one"
        )),
        "" | "localhost" => percent_decode(path).map_err(|why| {
            format!(
                "file://{authority_and_path}: {why}; or give the path as it is, file:PATH \
                 (not decoded)"
            )
        }),
        _ => Err(format!(
            "file://{authority_and_path} names a file on another host ({host}): copy the file \
             here and give its path, file:PATH (file:///abs/path for an absolute one)"
        )),
    }
}

/// A URL path with its percent escapes (RFC 3986: `%` and two hex digits, the bytes of
/// UTF-8) decoded. Err: why it can't be, for the caller's message.
fn percent_decode(path: &str) -> Result<String, String> {
    let bytes = path.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'%' {
            decoded.push(bytes[i]);
            i += 1;
            continue;
        }
        let digits = bytes
            .get(i + 1..i + 3)
            .filter(|d| d.iter().all(u8::is_ascii_hexdigit));
        let Some(digits) = digits else {
            // (Up to two characters after the %, whole ones: the path is UTF-8.)
            let after: String = path[i + 1..].chars().take(2).collect();
            return Err(format!(
                "`%{after}` is no percent escape (a `%` is followed by two hex digits; a `%` \
                 in a file name is written %25)"
            ));
        };
        // Two ASCII hex digits: a valid u8, and valid UTF-8.
        let byte = u8::from_str_radix(std::str::from_utf8(digits).unwrap_or_default(), 16)
            .map_err(|e| e.to_string())?;
        if byte == 0 {
            return Err("%00 is a NUL byte, which no path can hold".to_owned());
        }
        decoded.push(byte);
        i += 3;
    }
    String::from_utf8(decoded).map_err(|_| {
        "its percent escapes decode to bytes that are not UTF-8 text (nix-pgo records the \
         path in the provenance as text)"
            .to_owned()
    })
}

impl Source {
    /// The source as `--source` gives it (without its weight).
    pub fn shown(&self) -> String {
        match self.kind {
            Kind::NetHttpPprof => self.url.clone(),
            Kind::Pyroscope => format!("{PYROSCOPE_PREFIX}{}", self.url),
            Kind::File => format!("{FILE_PREFIX}{}", self.url),
        }
    }

    /// What the source reads, the same for every way of writing it: the profile URL of a
    /// net/http/pprof service (its base URL or the profile's), a Pyroscope server's URL,
    /// a file's resolved path (as written when it can't be resolved: reading it fails
    /// later, naming it).
    fn endpoint(&self) -> (Kind, std::ffi::OsString) {
        let at = match self.kind {
            Kind::NetHttpPprof => pprof_url(&self.url, 0).into(),
            Kind::Pyroscope => self.url.clone().into(),
            Kind::File => std::fs::canonicalize(&self.url)
                .map_or_else(|_| self.url.clone().into(), |p| p.into_os_string()),
        };
        (self.kind, at)
    }
}

/// Refuses a source given twice, before any request: a Go process takes one CPU profile at
/// a time, so the second pull of a window would fail ("cpu profiling already in use") after
/// the first had begun; a file's or a Pyroscope server's samples would count twice, where
/// a weight says so openly.
pub fn refuse_repeated_sources(sources: &[Source]) -> Result<()> {
    let Some((again, first)) = first_repeated(sources.iter().map(|s| (s.endpoint(), s))) else {
        return Ok(());
    };
    let why = match again.kind {
        Kind::NetHttpPprof => {
            "a Go process takes one CPU profile at a time, so its second pull would fail \
             (\"cpu profiling already in use\")"
        }
        Kind::Pyroscope | Kind::File => "its samples would be counted twice",
    };
    bail!(
        "--source {} is given twice (also as {}): {why}; list each source once (`=N` at its \
         end weighs its profiles N times)",
        again.shown(),
        first.shown()
    )
}

/// Whether `url`'s query has the parameter `name`.
fn query_has(url: &str, name: &str) -> bool {
    url.split_once('?').is_some_and(|(_, query)| {
        query
            .split('&')
            .any(|p| p.split_once('=').map_or(p, |(n, _)| n) == name)
    })
}

/// Whether `url` ends with a query parameter's name (`...?seconds`,
/// `...&n`): then a following `=DIGITS` is that parameter's value.
fn ends_in_query_name(url: &str) -> bool {
    match url.rsplit_once(['?', '&']) {
        Some((_, name)) => url.contains('?') && !name.contains('='),
        None => false,
    }
}

/// The URL a net/http/pprof source is profiled at: the base URL gets
/// `/debug/pprof/profile`; a URL with its own path is used as given; the
/// duration is added (parse_source refuses a URL with its own `seconds=`).
pub fn pprof_url(source_url: &str, seconds: u64) -> String {
    let after_scheme = source_url.strip_prefix("http://").unwrap_or(source_url);
    let mut url = if after_scheme.contains('/') {
        source_url.to_owned()
    } else {
        format!("{source_url}/debug/pprof/profile")
    };
    url.push(if url.contains('?') { '&' } else { '?' });
    url.push_str(&format!("seconds={seconds}"));
    url
}

/// Pyroscope's `SelectMergeProfileRequest` (querier.v1).
#[derive(Clone, PartialEq, Message)]
pub struct SelectMergeProfileRequest {
    #[prost(string, tag = "1")]
    pub profile_type_id: String,
    #[prost(string, tag = "2")]
    pub label_selector: String,
    /// Milliseconds since the epoch.
    #[prost(int64, tag = "3")]
    pub start: i64,
    #[prost(int64, tag = "4")]
    pub end: i64,
}

/// What is asked of a Pyroscope source.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PyroscopeQuery {
    pub profile_type: String,
    pub label_selector: String,
    pub tenant: Option<String>,
}

/// An HTTP client with the import's timeouts.
pub struct Client {
    agent: ureq::Agent,
}

/// Profiles are small (Go's are tens to hundreds of KiB); anything larger
/// than this is not one.
const MAX_BODY: u64 = 256 << 20;

impl Client {
    /// `timeout` bounds each whole request, on top of the profiling time.
    pub fn new(timeout: Duration) -> Self {
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .http_status_as_error(false)
            .user_agent(concat!("nix-pgo/", env!("CARGO_PKG_VERSION")))
            .build();
        Self {
            agent: ureq::Agent::new_with_config(config),
        }
    }

    /// Profile a net/http/pprof service for `seconds`; returns the URL asked
    /// and the profile.
    pub fn pull_pprof(&self, source: &Source, seconds: u64) -> Result<(String, Profile)> {
        let url = pprof_url(&source.url, seconds);
        let response = self.agent.get(&url).call();
        let bytes = body(&url, response)?;
        let profile = pprof::decode(&bytes).with_context(|| {
            let path = url.split_once('?').map_or(url.as_str(), |(path, _)| path);
            if path.trim_end_matches('/').ends_with("/debug/pprof") {
                format!(
                    "{url} is net/http/pprof's index page, not its CPU profile: give the \
                     service's base URL (http://HOST:PORT) or the profile's, \
                     {}/profile",
                    path.trim_end_matches('/')
                )
            } else {
                format!("{url} did not answer with a CPU profile; is it a Go service with net/http/pprof mounted (import _ \"net/http/pprof\")?")
            }
        })?;
        Ok((url, profile))
    }

    /// The profile Pyroscope stored for [start_ms, end_ms).
    pub fn pull_pyroscope(
        &self,
        source: &Source,
        query: &PyroscopeQuery,
        start_ms: i64,
        end_ms: i64,
    ) -> Result<(String, Profile)> {
        let url = format!(
            "{}/querier.v1.QuerierService/SelectMergeProfile",
            source.url
        );
        let request = SelectMergeProfileRequest {
            profile_type_id: query.profile_type.clone(),
            label_selector: query.label_selector.clone(),
            start: start_ms,
            end: end_ms,
        };
        let mut post = self
            .agent
            .post(&url)
            .header("Content-Type", "application/proto")
            .header("Connect-Protocol-Version", "1");
        if let Some(tenant) = &query.tenant {
            post = post.header("X-Scope-OrgID", tenant);
        }
        let bytes = body(&url, post.send(&request.encode_to_vec()[..]))?;
        let profile = pprof::decode(&bytes).with_context(|| {
            format!("{url} did not answer with a pprof profile; is it a Grafana Pyroscope server?")
        })?;
        Ok((url, profile))
    }
}

/// The body of a 200 response, or an error naming the URL and what to do.
fn body(
    url: &str,
    response: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
) -> Result<Vec<u8>> {
    let mut response = response.map_err(|err| request_error(url, err))?;
    let status = response.status().as_u16();
    let bytes = response
        .body_mut()
        .with_config()
        .limit(MAX_BODY)
        .read_to_vec()
        .map_err(|err| request_error(url, err))?;
    if status != 200 {
        let text = String::from_utf8_lossy(&bytes);
        let text: String = text.trim().chars().take(300).collect();
        let hint = if text.contains("already in use") {
            " (a Go process takes one CPU profile at a time: is another profiler pulling from it, \
             or is the same instance given twice as --source?)"
        } else if status == 404 {
            " (nothing is served at that path: does the service import _ \"net/http/pprof\" and \
             serve http.DefaultServeMux on this port? A service with a mux of its own must \
             mount the pprof handlers on it (or serve DefaultServeMux on another port): give \
             the URL where they are)"
        } else {
            ""
        };
        bail!(
            "{url} answered HTTP {status}{}{text}{hint}",
            if text.is_empty() { "" } else { ": " },
        );
    }
    Ok(bytes)
}

fn request_error(url: &str, err: ureq::Error) -> anyhow::Error {
    let refused = matches!(&err, ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused)
        || matches!(err, ureq::Error::ConnectionFailed);
    if refused {
        anyhow::anyhow!(
            "could not connect to {url} (connection refused): is the service running, and \
             listening on that host and port? Start it, or fix the --source URL"
        )
    } else if matches!(err, ureq::Error::Timeout(_)) {
        anyhow::anyhow!(
            "{url} did not answer within --seconds + --timeout; raise --timeout, or check the \
             service is not overloaded"
        )
    } else if matches!(err, ureq::Error::HostNotFound) {
        anyhow::anyhow!("{url}: host not found; fix the --source URL")
    } else {
        anyhow::Error::new(err).context(format!("request to {url} failed"))
    }
}

/// Milliseconds since the epoch, now.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_and_weights() {
        let s = parse_source("http://127.0.0.1:6060=3").unwrap();
        assert_eq!(
            (s.kind, s.url.as_str(), s.weight),
            (Kind::NetHttpPprof, "http://127.0.0.1:6060", 3)
        );
        // A query parameter's value is not a weight.
        let s = parse_source("http://h:1/admin/profile?debug=1").unwrap();
        assert_eq!(
            (s.url.as_str(), s.weight),
            ("http://h:1/admin/profile?debug=1", 1)
        );
        let s = parse_source("http://h:1/admin/profile?debug=1=2").unwrap();
        assert_eq!(
            (s.url.as_str(), s.weight),
            ("http://h:1/admin/profile?debug=1", 2)
        );
        // The window's length is --seconds only.
        for url in [
            "http://h:1/debug/pprof/profile?seconds=5",
            "http://h:1/p?debug=1&seconds=0=2",
        ] {
            let err = parse_source(url).unwrap_err();
            assert!(err.contains("drop seconds= from the URL"), "{err}");
        }
        // Pyroscope's and a file's queries are theirs.
        assert!(parse_source("file:cpu?seconds=5.pprof").is_ok());
        let s = parse_source("pyroscope+http://h:4040/=5").unwrap();
        assert_eq!(
            (s.kind, s.url.as_str(), s.weight),
            (Kind::Pyroscope, "http://h:4040", 5)
        );
        let s = parse_source("file:prod/cpu 1.pprof=4").unwrap();
        assert_eq!(
            (s.kind, s.url.as_str(), s.weight),
            (Kind::File, "prod/cpu 1.pprof", 4)
        );
        // A base URL's trailing slash goes; a path's stays (/debug/pprof/ is the index page).
        assert_eq!(parse_source("http://h:1/").unwrap().url, "http://h:1");
        assert_eq!(
            parse_source("http://h:1/debug/pprof/").unwrap().url,
            "http://h:1/debug/pprof/"
        );
        assert!(parse_source("file:").is_err());
        // A file URL is its path (RFC 8089): file:///p and file://localhost/p are /p.
        for url in ["file:///tmp/cpu.pprof", "file://localhost/tmp/cpu.pprof"] {
            let s = parse_source(url).unwrap();
            assert_eq!(
                (s.kind, s.url.as_str()),
                (Kind::File, "/tmp/cpu.pprof"),
                "{url}"
            );
        }
        assert_eq!(parse_source("file:///tmp/cpu.pprof=2").unwrap().weight, 2);
        // A file URL's percent escapes are decoded, a path's are not (it is a path).
        for (url, path) in [
            ("file:///tmp/a%20b/default.pgo", "/tmp/a b/default.pgo"),
            ("file://localhost/tmp/%C3%A9t%c3%a9.pgo", "/tmp/été.pgo"),
            ("file:///tmp/100%25%3D.pgo=2", "/tmp/100%=.pgo"),
            ("file:/tmp/a%20b.pgo", "/tmp/a%20b.pgo"),
        ] {
            assert_eq!(parse_source(url).unwrap().url, path, "{url}");
        }
        assert_eq!(
            parse_source("file:///tmp/100%25%3D.pgo=2").unwrap().weight,
            2
        );
        for (url, why) in [
            ("file:///tmp/a%2", "`%2` is no percent escape"),
            ("file:///tmp/a%zz.pgo", "`%zz` is no percent escape"),
            ("file:///tmp/50%.pgo", "`%.p` is no percent escape"),
            ("file:///tmp/a%é.pgo", "`%é.` is no percent escape"),
            ("file:///tmp/a%00.pgo", "%00 is a NUL byte"),
            ("file:///tmp/a%FF.pgo", "not UTF-8"),
        ] {
            let err = parse_source(url).unwrap_err();
            assert!(err.contains(why) && err.starts_with(url), "{url}: {err}");
        }
        let err = parse_source("file://db1/tmp/cpu.pprof").unwrap_err();
        assert!(err.contains("another host (db1)"), "{err}");
        let err = parse_source("file://cpu.pprof").unwrap_err();
        assert!(
            err.contains("give file:cpu.pprof for a relative path"),
            "{err}"
        );
        assert!(parse_source("http://h:1=0").is_err());
        assert!(parse_source("h:1").is_err());
        let err = parse_source("https://h:1").unwrap_err();
        assert!(err.contains("port-forward"), "{err}");
    }

    #[test]
    fn pprof_urls() {
        assert_eq!(
            pprof_url("http://h:1", 5),
            "http://h:1/debug/pprof/profile?seconds=5"
        );
        assert_eq!(
            pprof_url("http://h:1/admin/pprof/profile", 5),
            "http://h:1/admin/pprof/profile?seconds=5"
        );
        assert_eq!(
            pprof_url("http://h:1/p?debug=0", 5),
            "http://h:1/p?debug=0&seconds=5"
        );
    }

    /// The request's protobuf, field by field (tags 1-4, as in Pyroscope's
    /// querier.v1 SelectMergeProfileRequest).
    #[test]
    fn pyroscope_request_encoding() {
        let bytes = SelectMergeProfileRequest {
            profile_type_id: "t".into(),
            label_selector: "{}".into(),
            start: 1,
            end: 2,
        }
        .encode_to_vec();
        assert_eq!(
            bytes,
            [0x0a, 1, b't', 0x12, 2, b'{', b'}', 0x18, 1, 0x20, 2]
        );
    }
}
