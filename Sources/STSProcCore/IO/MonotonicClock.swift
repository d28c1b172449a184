import Glibc

/// Seconds on the monotonic clock: time limits must not stretch or shrink when the wall
/// clock is stepped.
enum MonotonicClock {
    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}

/// An exclusive `flock` taken within a time limit. A blocking flock cannot be given one, so
/// this polls every 10 ms, counting real elapsed time (sleeps overrun on a busy machine).
enum ExclusiveLock {
    enum Outcome: Equatable {
        /// `waited`: another holder had it first.
        case acquired(waited: Bool)
        case timedOut
    }

    static func take(_ descriptor: Int32, within seconds: Double) -> Outcome {
        if flock(descriptor, LOCK_EX | LOCK_NB) == 0 { return .acquired(waited: false) }
        let end = MonotonicClock.now() + seconds
        while MonotonicClock.now() < end {
            var pause = timespec(tv_sec: 0, tv_nsec: 10_000_000)
            nanosleep(&pause, nil)
            if flock(descriptor, LOCK_EX | LOCK_NB) == 0 { return .acquired(waited: true) }
        }
        return .timedOut
    }
}
