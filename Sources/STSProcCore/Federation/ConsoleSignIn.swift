import FoundationEssentials

/// The AWS console signed in with a session (README, "login"): the federation endpoint's
/// GetSigninToken turns the session's credentials into a sign-in token, and a login URL
/// carries that token to the console. Pure parts: URLs in, URLs and the token out.
public enum ConsoleSignIn {
    /// Where the federation endpoint and the console are: the partition's hosts, or a
    /// configured endpoint (`AWS_ENDPOINT_URL_SIGNIN`, for proxies and tests) for both
    /// federation calls; the console itself is always the partition's.
    struct Endpoints: Equatable {
        var federation: String
        var console: String
    }

    static func endpoints(region: String, configured: String?) -> Endpoints? {
        let partition = Partition(region: region)
        guard let hosts = partition.consoleHosts else { return nil }
        let federation = configured.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 } ?? "https://\(hosts.signIn)"
        return Endpoints(federation: federation + "/federation", console: "https://\(hosts.console)/")
    }

    /// The session as the federation endpoint takes it. Only temporary credentials work.
    static func sessionJSON(_ credentials: AWSCredentials) -> String {
        "{\"sessionId\":\(CredentialDocument.quoted(credentials.accessKeyID)),"
            + "\"sessionKey\":\(CredentialDocument.quoted(credentials.secretAccessKey)),"
            + "\"sessionToken\":\(CredentialDocument.quoted(credentials.sessionToken ?? ""))}"
    }

    /// `SessionDuration` is accepted only with a role session; a federation token's own
    /// duration is its console session's.
    static func signinTokenURL(_ endpoints: Endpoints, credentials: AWSCredentials, sessionDuration: Int?) -> String {
        var parameters = [("Action", "getSigninToken")]
        if let sessionDuration { parameters.append(("SessionDuration", String(sessionDuration))) }
        parameters.append(("Session", sessionJSON(credentials)))
        return endpoints.federation + "?" + FormEncoding.encode(parameters)
    }

    static func loginURL(_ endpoints: Endpoints, signinToken: String, destination: String) -> String {
        endpoints.federation + "?" + FormEncoding.encode([
            ("Action", "login"), ("Issuer", "sts-proc"), ("Destination", destination), ("SigninToken", signinToken),
        ])
    }

    /// The console home of the region (the console's own default when the profile has none).
    static func defaultDestination(_ endpoints: Endpoints, region: String?) -> String {
        guard let region else { return endpoints.console }
        return endpoints.console + "console/home?region=" + FormEncoding.percentEncode(region)
    }

    /// `{"SigninToken":"…"}`, or nil for anything else.
    static func signinToken(from body: [UInt8]) -> String? {
        struct Answer: Decodable { var SigninToken: String }
        guard let answer = try? JSONDecoder().decode(Answer.self, from: Data(body)),
              !answer.SigninToken.isEmpty, answer.SigninToken.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7f }) else { return nil }
        return answer.SigninToken
    }

    /// Permissions of a federation token are this policy intersected with the user's own:
    /// allowing everything here leaves exactly the user's.
    static let passThroughPolicy = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#
}
