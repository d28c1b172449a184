import Glibc

/// Runs blocking work on its own thread and stops waiting for it after a time limit.
///
/// libsecret's calls can block indefinitely (an unlock prompt nobody answers, a wedged
/// bus), and a credential fetch must never hang on them. A thread that overruns is simply
/// abandoned: the process exits soon after, which ends it.
enum Deadline {
    /// Starts the work on its own thread at once; ask for its result later, when it is
    /// needed, so that it can overlap with other work (such as an STS request).
    static func start<Value: Sendable>(_ work: @escaping @Sendable () -> Value) -> Pending<Value> {
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
            return Pending(job: nil)
        }
        pthread_detach(thread)
        return Pending(job: job)
    }

    /// Work started by `start`. Ask from one thread at a time.
    struct Pending<Value: Sendable>: @unchecked Sendable {
        fileprivate let job: Job?

        /// The work's result, or nil if it has not finished `seconds` from now (or could
        /// not be started: no thread to spare). May be asked again; a finished job answers
        /// at once.
        func result(within seconds: Double) -> Value? {
            guard let job, job.wait(seconds: seconds) else { return nil }
            return job.result as? Value
        }
    }

    /// Type-erased so the C thread entry point can call it; the semaphore's post/wait pair
    /// orders the worker's write of `result` before the caller's read.
    fileprivate final class Job: @unchecked Sendable {
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

        /// Waits in slices of at most 50 ms of wall-clock time (`sem_timedwait` only takes
        /// wall-clock deadlines) and checks the limit itself on the monotonic clock between
        /// slices, so a clock step cannot stretch it and a finished job wakes the caller at once.
        func wait(seconds: Double) -> Bool {
            let end = MonotonicClock.now() + seconds
            while true {
                let slice = min(end - MonotonicClock.now(), 0.05)
                guard slice > 0 else {
                    guard sem_trywait(finished) == 0 else { return false }
                    sem_post(finished)
                    return true
                }
                var limit = timespec()
                clock_gettime(CLOCK_REALTIME, &limit)
                limit.tv_nsec += Int(slice * 1e9)
                if limit.tv_nsec >= 1_000_000_000 {
                    limit.tv_sec += 1
                    limit.tv_nsec -= 1_000_000_000
                }
                if sem_timedwait(finished, &limit) == 0 {
                    sem_post(finished)  // stays signalled for the next asker
                    return true
                }
            }
        }
    }
}
