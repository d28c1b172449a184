import Glibc

/// Runs blocking work on its own thread and stops waiting for it after a time limit.
///
/// libsecret's calls can block indefinitely (an unlock prompt nobody answers, a wedged
/// bus), and a credential fetch must never hang on them. A thread that overruns is simply
/// abandoned: the process exits soon after, which ends it.
enum Deadline {
    /// The work's result, or nil if it did not finish within `seconds`.
    static func run<Value: Sendable>(seconds: Double, _ work: @escaping @Sendable () -> Value) -> Value? {
        let job = Job(work)
        // The worker holds its own reference, so an abandoned job stays valid until it ends.
        let context = Unmanaged.passRetained(job).toOpaque()
        var thread = pthread_t()
        let started = pthread_create(&thread, nil, { raw in
            let job = Unmanaged<Job>.fromOpaque(raw!).takeRetainedValue()
            job.perform()
            return nil
        }, context)
        guard started == 0 else {
            // No thread to spare (a burst hitting RLIMIT_NPROC): running the work here could
            // block without bound, so it is reported as not finished and the caller goes on.
            Unmanaged<Job>.fromOpaque(context).release()
            return nil
        }
        pthread_detach(thread)
        guard job.wait(seconds: seconds) else { return nil }
        return job.result as? Value
    }

    /// Type-erased so the C thread entry point can call it; the semaphore's post/wait pair
    /// orders the worker's write of `result` before the caller's read.
    private final class Job: @unchecked Sendable {
        private let work: @Sendable () -> any Sendable
        private let finished: UnsafeMutablePointer<sem_t>
        private(set) var result: (any Sendable)?

        init<Value: Sendable>(_ work: @escaping @Sendable () -> Value) {
            self.work = { work() }
            finished = .allocate(capacity: 1)
            sem_init(finished, 0, 0)
        }

        deinit {
            sem_destroy(finished)
            finished.deallocate()
        }

        func perform() {
            result = work()
            sem_post(finished)
        }

        /// Polls rather than `sem_timedwait`, whose deadline is wall-clock time: a clock step
        /// must not stretch the limit. The half-millisecond steps are noise next to D-Bus.
        func wait(seconds: Double) -> Bool {
            func now() -> Double {
                var time = timespec()
                clock_gettime(CLOCK_MONOTONIC, &time)
                return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
            }
            let end = now() + seconds
            while sem_trywait(finished) != 0 {
                guard now() < end else { return false }
                var pause = timespec(tv_sec: 0, tv_nsec: 500_000)
                nanosleep(&pause, nil)
            }
            return true
        }
    }
}
