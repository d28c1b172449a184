internal import CMicroHTTPD
import Glibc
import Synchronization

/// The one request a browser makes back to the command line at the end of an OAuth
/// authorization-code login: `GET /…?code=…&state=…` (or `?error=…`) on 127.0.0.1. Served
/// by libmicrohttpd (loaded on first use) on a port the kernel picks; any path is accepted,
/// as the AWS CLI accepts any, and requests without those arguments (a favicon) get a 404.
final class LoopbackRedirectServer {
    struct Redirect: Equatable, Sendable {
        var code: String?
        var state: String?
        var error: String?
    }

    enum Failure: Error, Equatable {
        case libraryMissing
        case cannotListen
    }

    /// What the handler thread hands over, and the pipe that wakes the waiting thread.
    private final class Mailbox: Sendable {
        let received = Mutex<Redirect?>(nil)
        let wakeUp: (read: Int32, write: Int32)
        /// Only a redirect carrying this login's `state` counts: anything else on the port
        /// (another page, another user) neither ends nor aborts the login.
        let expectedState: String

        init(wakeUp: (Int32, Int32), expectedState: String) {
            self.wakeUp = wakeUp
            self.expectedState = expectedState
        }

        // The last reference goes with the daemon, after it has stopped: no callback can
        // write to the pipe once it is closed.
        deinit {
            close(wakeUp.read)
            close(wakeUp.write)
        }
    }

    private let daemon: LoopbackDaemon<Mailbox>
    private var mailbox: Mailbox { daemon.context }
    var port: UInt16 { daemon.port }

    init(expectedState: String) throws(Failure) {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw .cannotListen }
        for end in ends {
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            _ = fcntl(end, F_SETFL, O_NONBLOCK)
        }
        do {
            daemon = try LoopbackDaemon(context: Mailbox(wakeUp: (ends[0], ends[1]), expectedState: expectedState), handler: { context, connection, _, _, _, _, _, _ in
                guard let mailbox = LoopbackDaemon<Mailbox>.context(from: context), let connection else { return stsproc_mhd_refuse() }
                func argument(_ name: String) -> String? { stsproc_mhd_query(connection, name).map { String(cString: $0) } }
                let redirect = Redirect(code: argument("code"), state: argument("state"), error: argument("error"))
                guard redirect.code != nil || redirect.error != nil else {
                    return stsproc_mhd_respond(connection, 404, "<p>Not found.</p>")
                }
                guard redirect.state == mailbox.expectedState else {
                    return stsproc_mhd_respond(connection, 400, "<p>sts-proc: this is not the sign-in it is waiting for.</p>")
                }
                mailbox.received.withLock { received in
                    if received == nil { received = redirect }
                }
                let page = redirect.error == nil
                    ? "<p>sts-proc: signed in. You can close this window and return to the terminal.</p>"
                    : "<p>sts-proc: the sign-in was not completed. Return to the terminal.</p>"
                return stsproc_mhd_respond(connection, 200, page)
            }, completed: { context, _, _, _ in
                // The browser has its page: only now may the command go on (and exit).
                guard let mailbox = LoopbackDaemon<Mailbox>.context(from: context) else { return }
                if mailbox.received.withLock({ $0 }) != nil {
                    var byte: UInt8 = 1
                    _ = write(mailbox.wakeUp.write, &byte, 1)
                }
            })
        } catch {
            // The mailbox, never shared, has gone already and closed the pipe.
            throw error == .libraryMissing ? .libraryMissing : .cannotListen
        }
    }

    /// The first redirect that carries a code or an error, once the browser has been
    /// answered; nil when `seconds` pass first.
    func waitForRedirect(within seconds: Double) -> Redirect? {
        let deadline = MonotonicClock.now() + seconds
        while true {
            let left = deadline - MonotonicClock.now()
            guard left > 0 else { return nil }
            var descriptor = pollfd(fd: mailbox.wakeUp.read, events: Int16(POLLIN), revents: 0)
            if poll(&descriptor, 1, Int32(min(left, 1) * 1000)) > 0 {
                return mailbox.received.withLock { $0 }
            }
        }
    }
}
