import FoundationEssentials

/// Why an IAM Identity Center call failed.
enum SSOFailure: Error, Equatable {
    /// The service answered with an error: its HTTP status, its error type
    /// (`x-amzn-ErrorType`, else the body's `error` / `__type` / `code`) and message.
    case service(status: Int, code: String, message: String)
    case transport(TransportFailure)
    /// A success status with a body that is not the expected JSON (HTML from a proxy, say).
    case unusable(String)

    /// Whether the service answered this error, named by its rest-JSON type or, as the OIDC
    /// service also does, by its OAuth `error` code.
    func isError(_ type: String, oauth: String) -> Bool {
        guard case .service(_, let code, _) = self else { return false }
        return code == type || code == oauth
    }
}

/// The unsigned rest-JSON calls of the `sso-oidc` and `sso` (portal) services, with retries
/// as for STS. Decodes with `JSONDecoder`; never puts a token in a message.
struct SSOClient {
    let session: SSOSession
    let transport: HTTPTransport
    var pacing: RetryPacing = JitteredBackoff()

    struct TokenGrant: Decodable, Equatable {
        var accessToken: String
        var expiresIn: Int
        var refreshToken: String?
    }

    struct Registration: Decodable {
        var clientId: String
        var clientSecret: String
        var clientSecretExpiresAt: Int64
    }

    struct DeviceAuthorization: Decodable {
        var deviceCode: String
        var userCode: String
        var verificationUri: String?
        var verificationUriComplete: String?
        var expiresIn: Int
        var interval: Int?
    }

    struct Account: Decodable, Equatable {
        var accountId: String
        var accountName: String?
    }

    // MARK: - OIDC

    func createToken(_ fields: [String: String]) throws(SSOFailure) -> TokenGrant {
        let secrets = ["clientSecret", "refreshToken", "deviceCode", "code", "codeVerifier"].compactMap { fields[$0] }
        return try post(session.oidcURL + "/token", body: fields, secrets: secrets, as: TokenGrant.self)
    }

    func registerClient(name: String, scopes: [String]?, grantTypes: [String]?, redirectURI: String?,
                        issuerURL: String?) throws(SSOFailure) -> Registration {
        struct Body: Encodable {
            var clientName: String
            var clientType = "public"
            var scopes: [String]?
            var grantTypes: [String]?
            var redirectUris: [String]?
            var issuerUrl: String?
        }
        return try post(session.oidcURL + "/client/register",
                        body: Body(clientName: name, scopes: scopes, grantTypes: grantTypes,
                                   redirectUris: redirectURI.map { [$0] }, issuerUrl: issuerURL),
                        secrets: [], as: Registration.self)
    }

    func startDeviceAuthorization(clientID: String, clientSecret: String) throws(SSOFailure) -> DeviceAuthorization {
        try post(session.oidcURL + "/device_authorization",
                 body: ["clientId": clientID, "clientSecret": clientSecret, "startUrl": session.startURL],
                 secrets: [clientSecret], as: DeviceAuthorization.self)
    }

    // MARK: - Portal

    func roleCredentials(accessToken: String, accountID: String, roleName: String) throws(SSOFailure) -> AWSCredentials {
        struct Answer: Decodable {
            struct Credentials: Decodable {
                var accessKeyId: String
                var secretAccessKey: String
                var sessionToken: String
                var expiration: Int64
            }
            var roleCredentials: Credentials
        }
        let answer = try get("/federation/credentials", query: [("role_name", roleName), ("account_id", accountID)],
                             accessToken: accessToken, as: Answer.self)
        let role = answer.roleCredentials
        let credentials = AWSCredentials(accessKeyID: role.accessKeyId, secretAccessKey: role.secretAccessKey,
                                         sessionToken: role.sessionToken,
                                         expiration: UTCTime(secondsSinceEpoch: role.expiration / 1000))
        if let problem = CredentialCheck.problem(credentials) { throw .unusable("an unusable credential: \(problem)") }
        return credentials
    }

    /// Every account, all pages.
    func accounts(accessToken: String) throws(SSOFailure) -> [Account] {
        struct Page: Decodable {
            var accountList: [Account]?
            var nextToken: String?
        }
        var accounts: [Account] = []
        var next: String?
        repeat {
            let page = try get("/assignment/accounts", query: [("max_result", "100")] + (next.map { [("next_token", $0)] } ?? []),
                               accessToken: accessToken, as: Page.self)
            let previous = next
            accounts += page.accountList ?? []
            next = page.nextToken.flatMap { $0.isEmpty ? nil : $0 }
            // A server that keeps paging without progress must not keep us forever.
            if (page.accountList ?? []).isEmpty || next == previous { break }
        } while next != nil && accounts.count < 100_000
        return accounts
    }

    /// Every role of one account, all pages.
    func roles(accessToken: String, accountID: String) throws(SSOFailure) -> [String] {
        struct Page: Decodable {
            struct Role: Decodable { var roleName: String }
            var roleList: [Role]?
            var nextToken: String?
        }
        var roles: [String] = []
        var next: String?
        repeat {
            let query = [("account_id", accountID), ("max_result", "100")] + (next.map { [("next_token", $0)] } ?? [])
            let page = try get("/assignment/roles", query: query, accessToken: accessToken, as: Page.self)
            let previous = next
            roles += (page.roleList ?? []).map(\.roleName)
            next = page.nextToken.flatMap { $0.isEmpty ? nil : $0 }
            if (page.roleList ?? []).isEmpty || next == previous { break }
        } while next != nil && roles.count < 100_000
        return roles
    }

    func logout(accessToken: String) throws(SSOFailure) {
        let request = HTTPRequest(method: .post, url: session.portalURL + "/logout", body: "",
                                  headers: ["x-amz-sso_bearer_token: \(accessToken)"], caBundlePath: session.caBundlePath)
        _ = try send(request, secrets: [accessToken])
    }

    // MARK: - One call

    private func post<Body: Encodable, Answer: Decodable>(_ url: String, body: Body, secrets: [String],
                                                         as type: Answer.Type) throws(SSOFailure) -> Answer {
        guard let data = try? JSONEncoder().encode(body) else { throw .unusable("a request that could not be encoded") }
        let request = HTTPRequest(method: .post, url: url, body: String(decoding: data, as: UTF8.self),
                                  headers: ["Content-Type: application/json"], caBundlePath: session.caBundlePath)
        return try decode(try send(request, secrets: secrets), as: type)
    }

    private func get<Answer: Decodable>(_ path: String, query: [(String, String)], accessToken: String,
                                        as type: Answer.Type) throws(SSOFailure) -> Answer {
        let url = session.portalURL + path + "?" + FormEncoding.encode(query)
        let request = HTTPRequest(method: .get, url: url, body: "", headers: ["x-amz-sso_bearer_token: \(accessToken)"],
                                  caBundlePath: session.caBundlePath)
        return try decode(try send(request, secrets: [accessToken]), as: type)
    }

    private func decode<Answer: Decodable>(_ response: HTTPResponse, as type: Answer.Type) throws(SSOFailure) -> Answer {
        guard let answer = try? JSONDecoder().decode(type, from: Data(response.body)) else {
            throw .unusable(Self.describe(response.body))
        }
        return answer
    }

    /// Sends with retries on throttling, 5xx and network failures; any other error status
    /// becomes `.service`.
    private func send(_ request: HTTPRequest, secrets: [String]) throws(SSOFailure) -> HTTPResponse {
        var attempt = 1
        while true {
            let failure: SSOFailure
            let retryable: Bool
            do {
                let response = try transport.send(request)
                if (200..<300).contains(response.status) { return response }
                // An echoing server or proxy must not put what the request carried on stderr.
                let (code, message) = Self.error(of: response)
                failure = .service(status: response.status, code: String(MessageRedaction.redact(code, secrets: secrets).prefix(64)),
                                   message: MessageRedaction.redact(message, secrets: secrets))
                retryable = response.status >= 500 || response.status == 429
            } catch {
                failure = .transport(error)
                retryable = error.isRetryable
            }
            guard retryable, attempt < session.maxAttempts, !RunDeadline.isPast else { throw failure }
            pacing.sleep(seconds: RunDeadline.limit(pacing.delay(afterAttempt: attempt)))
            attempt += 1
        }
    }

    /// botocore's rest-JSON rule: the `x-amzn-ErrorType` header (before any `:`), else the
    /// body's `__type` / `code` / `error` (OIDC answers `{"error": "authorization_pending"}`).
    static func error(of response: HTTPResponse) -> (code: String, message: String) {
        struct Body: Decodable {
            var __type: String?
            var code: String?
            var error: String?
            var message: String?
            var Message: String?
            var error_description: String?
        }
        let body = try? JSONDecoder().decode(Body.self, from: Data(response.body))
        var code = response.headers["x-amzn-errortype"].map { String($0.prefix { $0 != ":" }) }
            ?? body?.__type ?? body?.code ?? body?.error ?? ""
        if let hash = code.lastIndex(of: "#") { code = String(code[code.index(after: hash)...]) }
        if code.isEmpty { code = "HTTP \(response.status)" }
        let message = body?.message ?? body?.Message ?? body?.error_description ?? ""
        return (code, String(message.prefix(300)))
    }

    /// What came back instead of JSON, in a few words; never the body itself.
    static func describe(_ body: [UInt8]) -> String {
        if body.isEmpty { return "an empty body" }
        let head = String(decoding: body.prefix(256), as: UTF8.self).lowercased()
        if head.contains("<html") || head.contains("<!doctype html") { return "an HTML page, not a JSON answer" }
        return "a body that is not the expected JSON"
    }
}
