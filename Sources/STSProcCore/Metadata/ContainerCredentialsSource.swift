/// `credential_source = EcsContainer`: the task role (ECS) or pod identity (EKS)
/// credentials from the container credentials endpoint the agent announces in
/// `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` or `AWS_CONTAINER_CREDENTIALS_FULL_URI`.
public struct ContainerEndpoint: Sendable, Equatable {
    public enum Authorization: Sendable, Equatable {
        /// `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`, read at every fetch (EKS rotates it).
        case tokenFile(String)
        /// `AWS_CONTAINER_AUTHORIZATION_TOKEN`.
        case token(String)
    }

    public var url: String
    public var authorization: Authorization?
}

extension ContainerEndpoint {
    static let ecsHost = "http://169.254.170.2"
    /// Plain-HTTP full URIs are allowed only to hosts that cannot be on another machine
    /// (botocore's rule): loopback addresses, and the ECS and EKS agent addresses.
    static let allowedHTTPHosts: Set<String> = ["localhost", "169.254.170.2", "169.254.170.23", "fd00:ec2::23"]

    /// The endpoint the environment describes; nil when it describes none.
    static func fromEnvironment(_ environment: [String: String]) throws(STSProcError) -> ContainerEndpoint? {
        let authorization: Authorization? = environment.nonEmpty("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE").map { .tokenFile($0) }
            ?? environment.nonEmpty("AWS_CONTAINER_AUTHORIZATION_TOKEN").map { .token($0) }
        if let relative = environment.nonEmpty("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") {
            return ContainerEndpoint(url: ecsHost + (relative.hasPrefix("/") ? "" : "/") + relative, authorization: authorization)
        }
        guard let full = environment.nonEmpty("AWS_CONTAINER_CREDENTIALS_FULL_URI") else { return nil }
        guard full.hasPrefix("https://") || (full.hasPrefix("http://") && isAllowedHTTPHost(host(of: full))) else {
            throw STSProcError(.configuration, failure: "unsafe AWS_CONTAINER_CREDENTIALS_FULL_URI",
                               reason: "'\(full)' is plain HTTP to a host that is neither loopback nor the ECS/EKS agent",
                               remedy: "Use https://, a loopback address, or the agent's address")
        }
        return ContainerEndpoint(url: full, authorization: authorization)
    }

    /// The host of an http(s) URL as curl will connect to it: user information dropped,
    /// IPv6 brackets removed, port dropped.
    static func host(of url: String) -> String {
        let afterScheme = url.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false)
        guard afterScheme.count >= 3 else { return "" }
        var authority = Substring(afterScheme[2].prefix { $0 != "?" && $0 != "#" })
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        if authority.hasPrefix("[") {
            return String(authority.dropFirst().prefix { $0 != "]" }).lowercased()
        }
        return String(authority.prefix { $0 != ":" }).lowercased()
    }

    static func isAllowedHTTPHost(_ host: String) -> Bool {
        if allowedHTTPHosts.contains(host) || host == "::1" { return true }
        // 127.0.0.0/8 written as a dotted quad, not a name that merely starts with "127.".
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127"
            && octets.allSatisfy { !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isASCIIDigit) && Int($0)! <= 255 }
    }
}

struct ContainerCredentialsClient {
    let endpoint: ContainerEndpoint
    let transport: HTTPTransport
    /// The agent is local; botocore waits 2 s and tries 3 times.
    var timeoutSeconds = 2
    var attempts = 3

    func credentials() throws(STSProcError) -> AWSCredentials {
        var token: String?
        switch endpoint.authorization {
        case .token(let value): token = value
        case .tokenFile(let path):
            token = try SecretInputReader.read(.file(path, setting: "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"),
                                               what: "container authorization token", limit: 16 << 10)
        case nil: break
        }
        var headers: [String] = []
        if let token { headers.append("Authorization: \(token)") }  // line breaks are refused by the transport
        let request = HTTPRequest(method: .get, url: endpoint.url, body: "", headers: headers, signing: nil,
                                  caBundlePath: nil, connectTimeoutMilliseconds: timeoutSeconds * 1000,
                                  totalTimeoutMilliseconds: timeoutSeconds * 1000, maximumResponseBytes: 64 << 10)
        var attempt = 1
        while true {
            let response: HTTPResponse
            do {
                response = try transport.send(request)
            } catch {
                guard error.isRetryable, attempt < attempts else {
                    throw failure("no answer from \(endpoint.url): \(error.explanation)",
                                  remedy: "This only works inside an ECS task or EKS pod with a role; check the agent")
                }
                attempt += 1
                continue
            }
            guard response.status == 200 else {
                if response.status >= 500 && attempt < attempts { attempt += 1; continue }
                throw failure("\(endpoint.url) answered HTTP \(response.status)",
                              remedy: response.status == 401 || response.status == 403
                                ? "Check AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE)" : "Check the task or pod role")
            }
            do {
                return try MetadataCredentialDocument.parse(response.body)
            } catch {
                throw failure("its credentials document is unusable (\(InstanceMetadataClient.describe(error)))",
                              remedy: "Try again; if it persists, check the agent")
            }
        }
    }

    private func failure(_ reason: String, remedy: String) -> STSProcError {
        STSProcError(.unavailable, failure: "cannot get container credentials", reason: reason, remedy: remedy)
    }
}
