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
/// this polls, counting real elapsed time (sleeps overrun on a busy machine): every 2 ms for
/// the first 100 ms, when a waiter is most likely behind a short refresh that others wait
/// for too, then every 10 ms.
enum ExclusiveLock {
    enum Outcome: Equatable {
        /// `waited`: another holder had it first.
        case acquired(waited: Bool)
        case timedOut
        /// `stopWaiting` said so before the lock was free.
        case gaveUp
    }

    /// `stopWaiting` is asked after each pause: waiters for a refresh stop as soon as its
    /// credential is there to read, without waiting for the holder to let go.
    static func take(_ descriptor: Int32, within seconds: Double, stopWaiting: () -> Bool = { false }) -> Outcome {
        if flock(descriptor, LOCK_EX | LOCK_NB) == 0 { return .acquired(waited: false) }
        let start = MonotonicClock.now()
        let end = start + seconds
        while true {
            let now = MonotonicClock.now()
            guard now < end else { return .timedOut }
            var pause = timespec(tv_sec: 0, tv_nsec: now - start < 0.1 ? 2_000_000 : 10_000_000)
            nanosleep(&pause, nil)
            if flock(descriptor, LOCK_EX | LOCK_NB) == 0 { return .acquired(waited: true) }
            if stopWaiting() { return .gaveUp }
        }
    }
}
