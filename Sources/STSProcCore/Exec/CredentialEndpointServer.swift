internal import CMicroHTTPD
import Glibc

/// `sts-proc exec`'s credential endpoint: the ECS container-credentials protocol on
/// 127.0.0.1, served by libmicrohttpd (loaded on first use) on a port the kernel picks.
/// Every request must carry the token in `Authorization`; each one is answered through the
/// cache (`serve`), so the command's SDKs get a fresh credential whenever theirs nears its
/// expiry, for as long as the command runs.
public final class CredentialEndpointServer {
    public enum Failure: Error, Equatable {
        case libraryMissing
        case cannotListen
        case noRandomToken
    }

    /// What the handler thread calls; lives as long as the daemon.
    private final class Handler: Sendable {
        let token: String
        let serve: @Sendable () -> Result<AWSCredentials, STSProcError>

        init(token: String, serve: @escaping @Sendable () -> Result<AWSCredentials, STSProcError>) {
            self.token = token
            self.serve = serve
        }

        func answer(method: String, authorization: String?) -> (status: UInt32, body: String) {
            guard method == "GET" else {
                return (405, ContainerCredentialDocument.renderError(code: "MethodNotAllowed", message: "only GET is served"))
            }
            guard let authorization else {
                return (401, ContainerCredentialDocument.renderError(code: "Unauthorized", message: "no Authorization header"))
            }
            guard EndpointToken.matches(authorization, token) else {
                return (403, ContainerCredentialDocument.renderError(code: "Forbidden", message: "wrong authorization token"))
            }
            switch serve() {
            case .success(let credentials):
                return (200, ContainerCredentialDocument.render(credentials))
            case .failure(let error):
                return (error.kind == .configuration ? 400 : 503,
                        ContainerCredentialDocument.renderError(code: "CredentialsUnavailable", message: error.message))
            }
        }
    }

    private let daemon: LoopbackDaemon<Handler>
    public var port: UInt16 { daemon.port }
    public let token: String

    public init(serve: @escaping @Sendable () -> Result<AWSCredentials, STSProcError>) throws(Failure) {
        guard let token = EndpointToken.generate() else { throw .noRandomToken }
        do {
            daemon = try LoopbackDaemon(context: Handler(token: token, serve: serve), handler: { context, connection, _, method, _, _, _, _ in
                guard let handler = LoopbackDaemon<Handler>.context(from: context), let connection, let method else {
                    return stsproc_mhd_refuse()
                }
                let authorization = stsproc_mhd_header(connection, "Authorization").map { String(cString: $0) }
                let (status, body) = handler.answer(method: String(cString: method), authorization: authorization)
                return stsproc_mhd_respond_as(connection, status, body, "application/json")
            })
        } catch {
            throw error == .libraryMissing ? .libraryMissing : .cannotListen
        }
        self.token = token
    }

    public var url: String { "http://127.0.0.1:\(port)/credentials" }
}
