import Synchronization

/// One deadline for the whole run, counted from the process's start: lock waits, every
/// attempt of every request, `*_process` commands, prompts. The Go SDKs kill
/// credential_process after 60 s, and a run killed there leaves its caller with nothing to
/// show; ending at 45 s (`sts_proc_timeout`, 5–300) with one clear line is better.
public enum RunDeadline {
    public static let defaultSeconds = 45.0
    public static let allowedSeconds = 5...300

    private static let state = Mutex<(start: Double, seconds: Double)>((MonotonicClock.now(), .infinity))

    /// Call first thing in `main`, so the deadline counts from the start.
    public static func markStart() { _ = state.withLock { $0.start } }

    /// A long-running server (`exec`'s credential endpoint) treats each request as a run:
    /// the deadline counts again from now.
    public static func restart() { state.withLock { $0 = (MonotonicClock.now(), .infinity) } }

    /// Sets the deadline once the profile's `sts_proc_timeout` is known.
    public static func set(seconds: Double) { state.withLock { $0.seconds = seconds } }

    public static var seconds: Double { state.withLock { $0.seconds } }

    /// Seconds left (infinite when no deadline is set).
    public static var remaining: Double {
        let (start, seconds) = state.withLock { ($0.start, $0.seconds) }
        return start + seconds - MonotonicClock.now()
    }

    public static var isPast: Bool { remaining <= 0.05 }

    /// `seconds`, or what is left of the run if that is less.
    static func limit(_ seconds: Double) -> Double { max(0, min(seconds, remaining)) }

    /// The one line for a run that reached its deadline while waiting for `what`.
    static func reached(waitingFor what: String) -> STSProcError {
        STSProcError(.unavailable, failure: "gave up at the run's deadline of \(Int(seconds)) s",
                     reason: "it was reached while waiting for \(what)",
                     remedy: "Check the endpoint and the network; sts_proc_timeout (5–300 s) sets the deadline")
    }
}
