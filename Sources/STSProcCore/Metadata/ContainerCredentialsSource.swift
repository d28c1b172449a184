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
    /// (botocore's rule): loopback, and the ECS and EKS agent addresses.
    static let allowedHTTPHosts: Set<String> = ["localhost", "169.254.170.2", "169.254.170.23", "[fd00:ec2::23]", "[::1]"]

    /// The endpoint the environment describes; nil when it describes none.
    static func fromEnvironment(_ environment: [String: String]) throws(STSProcError) -> ContainerEndpoint? {
        func variable(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        let authorization: Authorization? = variable("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE").map { .tokenFile($0) }
            ?? variable("AWS_CONTAINER_AUTHORIZATION_TOKEN").map { .token($0) }
        if let relative = variable("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") {
            return ContainerEndpoint(url: ecsHost + (relative.hasPrefix("/") ? "" : "/") + relative, authorization: authorization)
        }
        guard let full = variable("AWS_CONTAINER_CREDENTIALS_FULL_URI") else { return nil }
        guard full.hasPrefix("https://") || (full.hasPrefix("http://") && isAllowedHTTPHost(full)) else {
            throw STSProcError(.configuration, failure: "unsafe AWS_CONTAINER_CREDENTIALS_FULL_URI",
                               reason: "'\(full)' is plain HTTP to a host that is neither loopback nor the ECS/EKS agent",
                               remedy: "Use https://, a loopback address, or the agent's address")
        }
        return ContainerEndpoint(url: full, authorization: authorization)
    }

    private static func isAllowedHTTPHost(_ url: String) -> Bool {
        let rest = url.dropFirst("http://".count)
        let authority = rest.prefix { $0 != "/" && $0 != "?" }
        var host = String(authority)
        if host.hasPrefix("[") {
            host = String(host.prefix { $0 != "]" }) + "]"
        } else if let colon = host.lastIndex(of: ":") {
            host = String(host[..<colon])
        }
        return allowedHTTPHosts.contains(host.lowercased()) || host.hasPrefix("127.")
    }
}

struct ContainerCredentialsClient {
    let endpoint: ContainerEndpoint
    let transport: HTTPTransport
    /// The agent is local; botocore waits 2 s and tries 3 times.
    var timeoutSeconds = 2
    var attempts = 3

    func credentials() throws(STSProcError) -> AWSCredentials {
        var headers: [String] = []
        switch endpoint.authorization {
        case .token(let token): headers.append("Authorization: \(token)")
        case .tokenFile(let path):
            let token = try SecretInputReader.read(.file(path, setting: "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"),
                                                   what: "container authorization token", limit: 16 << 10)
            headers.append("Authorization: \(token)")
        case nil: break
        }
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
