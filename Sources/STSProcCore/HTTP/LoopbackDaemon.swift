internal import CMicroHTTPD

/// One libmicrohttpd daemon (loaded on first use) on 127.0.0.1, on a port the kernel
/// picks, and the object its callbacks are given: what `exec`'s credential endpoint,
/// `login`'s one-time redirect and the SSO login's redirect catcher have in common.
/// The object is retained for as long as the daemon runs; stopping the daemon (on deinit)
/// joins its polling thread, so no callback runs after that and the object can go.
final class LoopbackDaemon<Context: AnyObject & Sendable> {
    enum Failure: Error, Equatable {
        case libraryMissing
        case cannotListen
    }

    let context: Context
    let port: UInt16
    private let daemon: OpaquePointer
    private let retained: Unmanaged<Context>

    /// `handler` answers each request, `completed` (optional) runs once a response has
    /// been sent; both get `context` back as their first argument (see `context(from:)`).
    init(context: Context, handler: stsproc_mhd_handler, completed: stsproc_mhd_completed? = nil) throws(Failure) {
        guard stsproc_mhd_available() != 0 else { throw .libraryMissing }
        let retained = Unmanaged.passRetained(context)
        guard let daemon = stsproc_mhd_start_loopback(handler, completed, retained.toOpaque()) else {
            retained.release()
            throw .cannotListen
        }
        self.context = context
        self.retained = retained
        self.daemon = daemon
        port = stsproc_mhd_port(daemon)
    }

    deinit {
        stsproc_mhd_stop(daemon)  // joins the polling thread: no callback runs after this
        retained.release()
    }

    /// The context inside a callback (nil only if libmicrohttpd passed none).
    static func context(from pointer: UnsafeMutableRawPointer?) -> Context? {
        pointer.map { Unmanaged<Context>.fromOpaque($0).takeUnretainedValue() }
    }
}
