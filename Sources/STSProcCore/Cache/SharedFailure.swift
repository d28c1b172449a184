import FoundationEssentials
import Glibc

/// A leader's failure, left for the callers that waited on its refresh lock: without it
/// each of them would try the same failing fetch in turn (64 callers, 64 refusals or 64
/// time-outs). A short-lived file in the private runtime folder holds the error's fields
/// (which never carry a secret) and when it happened; waiters that began waiting before
/// then fail at once with the same line and exit status.
struct SharedFailure {
    /// Long enough for the waiters of one burst to read it, short enough that a later run
    /// tries again (a fixed trust policy, a network that came back).
    static let lifetime = 10.0

    let path: String

    init(folder: String, lockName: String) {
        path = folder + "/" + lockName + ".failed"
    }

    private struct Record: Codable {
        var at: Double
        var kind: String
        var profile: String?
        var failure: String
        var reason: String
        var remedy: String
    }

    static func wallClock() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    func record(_ error: STSProcError) {
        let kind: String
        switch error.kind {
        case .configuration: kind = "configuration"
        case .rejected: kind = "rejected"
        case .unavailable: kind = "unavailable"
        }
        let record = Record(at: Self.wallClock(), kind: kind, profile: error.profile, failure: error.failure,
                            reason: error.reason, remedy: error.remedy)
        guard let data = try? JSONEncoder().encode(record) else { return }
        try? AtomicFile.replace(path, with: String(decoding: data, as: UTF8.self))
    }

    /// The failure recorded after `since` and within its lifetime, if any.
    func read(since: Double) -> STSProcError? {
        guard let bytes = try? BoundedFileReader.read(path, limit: 64 << 10),
              let record = try? JSONDecoder().decode(Record.self, from: Data(bytes)),
              record.at >= since, Self.wallClock() - record.at < Self.lifetime else { return nil }
        let kind: STSProcError.Kind
        switch record.kind {
        case "rejected": kind = .rejected
        case "unavailable": kind = .unavailable
        default: kind = .configuration
        }
        return STSProcError(kind, profile: record.profile, failure: record.failure, reason: record.reason,
                            remedy: record.remedy)
    }

    func clear() { unlink(path) }
}
