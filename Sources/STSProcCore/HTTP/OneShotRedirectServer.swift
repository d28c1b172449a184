internal import CMicroHTTPD
import Glibc
import Synchronization

/// Hands a URL that carries a secret (the console's sign-in token) to the browser without
/// putting it on a command line, where any local user could read it in /proc: the browser
/// is started on `http://127.0.0.1:PORT/<random path>`, and this server answers that path
/// once, with a redirect to the secret URL. Served by libmicrohttpd (loaded on first use).
public final class OneShotRedirectServer {
    public enum Failure: Error, Equatable {
        case libraryMissing
        case cannotListen
        case noRandomPath
    }

    private final class Target: Sendable {
        let path: String
        let location: String
        let served = Mutex(false)

        init(path: String, location: String) {
            self.path = path
            self.location = location
        }
    }

    private let daemon: LoopbackDaemon<Target>
    /// What the browser is given: no secret in it, and useless once answered.
    public let startURL: String

    public init(redirectingTo location: String) throws(Failure) {
        guard let nonce = EndpointToken.generate() else { throw .noRandomPath }
        do {
            daemon = try LoopbackDaemon(context: Target(path: "/" + nonce, location: location), handler: { context, connection, url, _, _, _, _, _ in
                guard let target = LoopbackDaemon<Target>.context(from: context), let connection, let url else {
                    return stsproc_mhd_refuse()
                }
                // Only at the random path, and only once: a guess or a second visit learns nothing.
                guard EndpointToken.matches(String(cString: url), target.path) else {
                    return stsproc_mhd_respond(connection, 404, "<p>Not found.</p>")
                }
                let first = target.served.withLock { served in
                    defer { served = true }
                    return !served
                }
                guard first else { return stsproc_mhd_respond(connection, 404, "<p>Not found.</p>") }
                return stsproc_mhd_redirect(connection, target.location)
            })
        } catch {
            throw error == .libraryMissing ? .libraryMissing : .cannotListen
        }
        startURL = "http://127.0.0.1:\(daemon.port)/\(nonce)"
    }

    private var target: Target { daemon.context }

    /// True once the browser has been redirected; false when `seconds` pass first.
    public func waitUntilServed(within seconds: Double) -> Bool {
        let end = MonotonicClock.now() + seconds
        while MonotonicClock.now() < end {
            if target.served.withLock({ $0 }) { return true }
            var pause = timespec(tv_sec: 0, tv_nsec: 50_000_000)
            nanosleep(&pause, nil)
        }
        return target.served.withLock { $0 }
    }
}
