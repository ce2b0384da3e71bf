//! Step timings within a stage of the engine, for profiling at scale.

/// Timings of the steps within one stage, logged at debug level as each step ends (for
/// profiling at scale: `HEARTH_LOG=hearth_linkage=debug`).
pub(crate) struct SubLaps {
    stage: &'static str,
    last: std::time::Instant,
}

impl SubLaps {
    pub(crate) fn new(stage: &'static str) -> Self {
        SubLaps {
            stage,
            last: std::time::Instant::now(),
        }
    }

    pub(crate) fn lap(&mut self, step: &str) {
        let now = std::time::Instant::now();
        tracing::debug!(
            stage = self.stage,
            step,
            seconds = (now - self.last).as_secs_f64(),
            "link step done"
        );
        self.last = now;
    }
}
