/// One HTTPS POST, as sts-proc's STS calls need it. The protocol exists so the retry and
/// error logic can be unit-tested without a network.
protocol HTTPTransport {
    func send(_ request: HTTPRequest) throws(TransportFailure) -> HTTPResponse
}

enum HTTPMethod: Equatable {
    case get
    /// An empty PUT, as IMDSv2's token request is.
    case put
    case post
}

struct HTTPRequest {
    var method: HTTPMethod = .post
    var url: String
    var body: String
    var headers: [String]
    /// When set, the transport signs the request with SigV4 for this service and region.
    var signing: SigV4Signing?
    /// A PEM file of trusted CAs (`ca_bundle` / `AWS_CA_BUNDLE`); nil = the system store.
    var caBundlePath: String?
    var connectTimeoutMilliseconds: Int = 5_000
    var totalTimeoutMilliseconds: Int = 20_000
    /// STS answers are a few KiB; anything much larger is not STS and is cut off.
    var maximumResponseBytes: Int = 1 << 20
}

struct SigV4Signing {
    var credentials: AWSCredentials
    var region: String
    var service: String
}

struct HTTPResponse: Equatable {
    var status: Int
    var body: [UInt8]
    /// Header names in lower case; a repeated header keeps its last value.
    var headers: [String: String] = [:]

    /// `Name: value` lines (as libcurl hands them over, line ends included) as a table; the
    /// status line and anything without a colon are skipped. After a redirect or a
    /// `100 Continue`, only the last response's headers are kept.
    static func headerFields(_ lines: [String]) -> [String: String] {
        var fields: [String: String] = [:]
        for line in lines {
            if line.hasPrefix("HTTP/") { fields = [:]; continue }
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[line[..<colon].trimmingWhitespace().lowercased()] = line[line.index(after: colon)...].trimmingWhitespace()
        }
        return fields
    }
}

/// Why no HTTP response arrived. Carries curl's own explanation, which names hosts and
/// certificates but never request data.
enum TransportFailure: Error, Equatable {
    case couldNotConnect(String)
    case timedOut(String)
    /// Certificate verification or TLS handshake failed: retrying cannot help.
    case tls(String)
    case connectionBroken(String)
    case responseTooLarge(limit: Int)
    case other(String)

    /// Network-level failures worth another attempt (timeouts and connection failures).
    var isRetryable: Bool {
        switch self {
        case .couldNotConnect, .timedOut, .connectionBroken: return true
        case .tls, .responseTooLarge, .other: return false
        }
    }

    var explanation: String {
        switch self {
        case .couldNotConnect(let detail), .timedOut(let detail), .tls(let detail),
             .connectionBroken(let detail), .other(let detail):
            return detail
        case .responseTooLarge(let limit):
            return "the response was larger than \(limit / 1024) KiB, which no STS answer is"
        }
    }
}
