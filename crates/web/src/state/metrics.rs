//! The server's metrics, kept in memory and shown in Prometheus' text format at `/metrics`:
//! requests by route template, method and status; a latency histogram by route template;
//! failed sign-ins by reason; the store queue's depth (read from the store handle when
//! shown).
//!
//! Labels are route templates (`/families/{id}`), never paths, so no key, name or query
//! typed into an address reaches a metric, and the number of series is bounded by the
//! routes the application declares (a request that matched no route is `unmatched`).

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// The latency histogram's upper bounds, in seconds.
const BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Why a sign-in failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SignInFailure {
    /// A wrong name or password.
    Wrong,
    /// Refused by the throttle.
    Throttled,
}

/// Every metric but the store queue's depth.
#[derive(Default)]
pub(crate) struct Metrics {
    /// (route template, method, status) → requests.
    requests: Mutex<BTreeMap<(&'static str, &'static str, u16), u64>>,
    /// route template → its latency histogram.
    latency: Mutex<BTreeMap<&'static str, Histogram>>,
    wrong: AtomicU64,
    throttled: AtomicU64,
}

#[derive(Default)]
struct Histogram {
    /// Requests at or under each bound of [`BUCKETS`] (not cumulative here).
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

/// A method as a label: the standard ones by name, any other as `OTHER` (a client can send
/// any token as a method).
pub(crate) fn method_label(method: &axum::http::Method) -> &'static str {
    use axum::http::Method as M;
    match *method {
        M::GET => "GET",
        M::HEAD => "HEAD",
        M::POST => "POST",
        M::PUT => "PUT",
        M::DELETE => "DELETE",
        M::PATCH => "PATCH",
        M::OPTIONS => "OPTIONS",
        _ => "OTHER",
    }
}

impl Metrics {
    /// Counts a request to `route` (a template interned by [`intern`]).
    pub(crate) fn request(
        &self,
        route: &'static str,
        method: &'static str,
        status: u16,
        took: Duration,
    ) {
        *lock(&self.requests)
            .entry((route, method, status))
            .or_default() += 1;
        let seconds = took.as_secs_f64();
        let mut latency = lock(&self.latency);
        let h = latency.entry(route).or_default();
        if let Some(i) = BUCKETS.iter().position(|&b| seconds <= b) {
            h.buckets[i] += 1;
        }
        h.count += 1;
        h.sum += seconds;
    }

    /// Counts a failed sign-in.
    pub(crate) fn sign_in_failure(&self, why: SignInFailure) {
        match why {
            SignInFailure::Wrong => &self.wrong,
            SignInFailure::Throttled => &self.throttled,
        }
        .fetch_add(1, Ordering::Relaxed);
    }

    /// The metrics in Prometheus' text format (version 0.0.4).
    pub(crate) fn render(&self, store_queue_depth: usize) -> String {
        let mut out = String::new();
        out.push_str(
            "# HELP hearth_http_requests_total HTTP requests by route template, method and status.\n\
             # TYPE hearth_http_requests_total counter\n",
        );
        for ((route, method, status), n) in lock(&self.requests).iter() {
            let _ = writeln!(
                out,
                "hearth_http_requests_total{{route=\"{}\",method=\"{method}\",status=\"{status}\"}} {n}",
                escape(route)
            );
        }
        out.push_str(
            "# HELP hearth_http_request_duration_seconds Time to answer a request, by route template.\n\
             # TYPE hearth_http_request_duration_seconds histogram\n",
        );
        for (route, h) in lock(&self.latency).iter() {
            let route = escape(route);
            let mut cumulative = 0;
            for (bound, n) in BUCKETS.iter().zip(h.buckets) {
                cumulative += n;
                let _ = writeln!(
                    out,
                    "hearth_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {cumulative}"
                );
            }
            let _ = writeln!(
                out,
                "hearth_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}\n\
                 hearth_http_request_duration_seconds_sum{{route=\"{route}\"}} {}\n\
                 hearth_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                h.count, h.sum, h.count
            );
        }
        let _ = write!(
            out,
            "# HELP hearth_sign_in_failures_total Failed sign-ins, by reason.\n\
             # TYPE hearth_sign_in_failures_total counter\n\
             hearth_sign_in_failures_total{{reason=\"wrong\"}} {}\n\
             hearth_sign_in_failures_total{{reason=\"throttled\"}} {}\n\
             # HELP hearth_store_queue_depth Store calls waiting for a store thread.\n\
             # TYPE hearth_store_queue_depth gauge\n\
             hearth_store_queue_depth {store_queue_depth}\n",
            self.wrong.load(Ordering::Relaxed),
            self.throttled.load(Ordering::Relaxed),
        );
        out
    }
}

/// A route template as a `&'static str`: each distinct template is leaked once (there are as
/// many as the application declares routes), so that counting a request allocates nothing.
pub(crate) fn intern(route: &str) -> &'static str {
    static SEEN: Mutex<BTreeMap<String, &'static str>> = Mutex::new(BTreeMap::new());
    let mut seen = lock(&SEEN);
    if let Some(s) = seen.get(route) {
        return s;
    }
    let s: &'static str = Box::leak(route.to_string().into_boxed_str());
    seen.insert(route.to_string(), s);
    s
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// A label value escaped as the text format asks.
fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_and_latency_render_as_prometheus_text() {
        let m = Metrics::default();
        let route = intern("/families/{id}");
        m.request(route, "GET", 200, Duration::from_millis(3));
        m.request(route, "GET", 200, Duration::from_millis(30));
        m.request(route, "GET", 404, Duration::from_secs(20));
        m.sign_in_failure(SignInFailure::Wrong);
        let text = m.render(2);
        for line in [
            "hearth_http_requests_total{route=\"/families/{id}\",method=\"GET\",status=\"200\"} 2",
            "hearth_http_requests_total{route=\"/families/{id}\",method=\"GET\",status=\"404\"} 1",
            "hearth_http_request_duration_seconds_bucket{route=\"/families/{id}\",le=\"0.005\"} 1",
            "hearth_http_request_duration_seconds_bucket{route=\"/families/{id}\",le=\"0.05\"} 2",
            "hearth_http_request_duration_seconds_bucket{route=\"/families/{id}\",le=\"10\"} 2",
            "hearth_http_request_duration_seconds_bucket{route=\"/families/{id}\",le=\"+Inf\"} 3",
            "hearth_http_request_duration_seconds_count{route=\"/families/{id}\"} 3",
            "hearth_sign_in_failures_total{reason=\"wrong\"} 1",
            "hearth_sign_in_failures_total{reason=\"throttled\"} 0",
            "hearth_store_queue_depth 2",
        ] {
            assert!(text.lines().any(|l| l == line), "no {line:?} in\n{text}");
        }
    }

    #[test]
    fn templates_are_interned_once() {
        assert!(std::ptr::eq(intern("/a/{id}"), intern("/a/{id}")));
        assert_eq!(escape("a\"b\\c"), "a\\\"b\\\\c");
        assert_eq!(
            method_label(&axum::http::Method::from_bytes(b"BREW").unwrap()),
            "OTHER"
        );
    }
}
