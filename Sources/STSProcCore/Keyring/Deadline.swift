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
            Unmanaged<Job>.fromOpaque(context).release()
            return work()  // no thread to spare: better slow than no credential
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

        func wait(seconds: Double) -> Bool {
            var limit = timespec()
            clock_gettime(CLOCK_REALTIME, &limit)
            let whole = Int(seconds)
            limit.tv_sec += whole
            limit.tv_nsec += Int((seconds - Double(whole)) * 1e9)
            if limit.tv_nsec >= 1_000_000_000 {
                limit.tv_sec += 1
                limit.tv_nsec -= 1_000_000_000
            }
            while sem_timedwait(finished, &limit) != 0 {
                if errno != EINTR { return false }
            }
            return true
        }
    }
}
